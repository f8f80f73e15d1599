/**
 * Markdown headings and their anchors as GitHub renders them: the runbook links of the catalog
 * (`<runbook_base_url>#<anchor>`) open a section only if the anchor is one of these.
 */

/**
 * GitHub's anchor (slug) of a heading's text: lower-case, every character that is not a letter, a digit, a space,
 * `-` or `_` removed, each space replaced by `-`. `## HTTP 5xx ratio` → `http-5xx-ratio`.
 */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * The anchors of every ATX heading (`#` to `######`) of a Markdown text, in order. Lines inside fenced code
 * blocks (```` ``` ```` / `~~~`) are not headings (a shell comment `# Kill queries` is no section). A repeated
 * heading gets GitHub's suffix: the second `### Symptoms` is `symptoms-1`.
 */
export function markdownAnchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const h = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!h) continue;
    const slug = slugOf(h[1] ?? '');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}
