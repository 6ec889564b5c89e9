// The <head> every page shares; a module of its own so each page family bundles only its own stylesheet.
/**
 * The document head of every page, approval and dashboard alike: phone viewport, no indexing, the inline
 * stylesheet (its hash is in the CSP). Approval pages send no referrer (their URL carries the signature); the
 * dashboard sends it to its own origin, without which browsers post its forms with `Origin: null`.
 */
export function DocumentHead(props: {
  title: string;
  css: string;
  referrer: 'no-referrer' | 'same-origin';
  /** The site's name after the title (default PilotFlow; officials' pages name it in their language). */
  site?: string;
}) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content={props.referrer} />
      <meta name="robots" content="noindex, nofollow" />
      <title>{`${props.title} · ${props.site ?? 'PilotFlow'}`}</title>
      <style dangerouslySetInnerHTML={{ __html: props.css }} />
    </head>
  );
}
