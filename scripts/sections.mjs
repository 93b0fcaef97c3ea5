// Marker sections (`<!-- section:NAME -->` … `<!-- /section:NAME -->`) of a generated file: every
// gen-*.mjs script replaces its own sections this way, and the tests compare them.

/** `text` with the marker section `name` replaced by `content`. */
export function withSection(text, name, content, file = 'README.md') {
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  if (at < 0 || until < at) throw new Error(`${file} has no ${start} … ${end} section`);
  return `${text.slice(0, at + start.length)}\n${content}\n${text.slice(until)}`;
}
