// Where workflow variables live (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html).
// The top-level states share one scope. Each Parallel branch and each Map iteration runs in a scope of its own
// that reads the variables of the scopes around it (except a Distributed Map's child workflow, which sees none)
// and whose own assignments vanish when the branch or iteration ends: only its output leaves it. Values set by
// Assign take effect when the assigning state finishes; every expression in a state, including all entries of
// its Assign, reads the values as they were when the state was entered.
//
// Frames are plain JSON so the engine can persist them with the execution.

export interface VariableFrame {
  /** Variables of the enclosing scopes, read-only here (a snapshot taken when the scope started). */
  readonly outer: Readonly<Record<string, unknown>>;
  /** Variables assigned in this scope. */
  readonly local: Readonly<Record<string, unknown>>;
}

/** The frame of an execution's top-level states. */
export function rootFrame(): VariableFrame {
  return { outer: {}, local: {} };
}

/** What a state in this frame can read as `$name`: local values shadow outer ones. */
export function visibleVariables(frame: VariableFrame): Record<string, unknown> {
  return { ...frame.outer, ...frame.local };
}

/**
 * The frame for a Parallel branch or a Map iteration started from a state whose frame is `parent`. The
 * outer values are copied: the parent scope cannot change while its Parallel or Map state is running.
 */
export function childFrame(parent: VariableFrame, options: { distributedMap?: boolean } = {}): VariableFrame {
  return { outer: options.distributedMap ? {} : visibleVariables(parent), local: {} };
}

/** The frame after a state in it finished with `assigned` (the values its Assign produced). */
export function applyAssigned(
  frame: VariableFrame,
  assigned: Readonly<Record<string, unknown>> | undefined,
): VariableFrame {
  if (!assigned || Object.keys(assigned).length === 0) return frame;
  return { outer: frame.outer, local: { ...frame.local, ...assigned } };
}
