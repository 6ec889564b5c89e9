// A value made on first use and kept: a client per function instance, a read per request.

/** `make` runs on the first call only; every call returns what it made (a promise is shared, not re-run). */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
