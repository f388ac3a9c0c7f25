// The rendered-diff engine: compare two renders, then format the report.
export { allObjects, buildDiffReport } from './engine.ts';
export { assessImpact } from './impact.ts';
export { renderJson } from './json.ts';
export { GITHUB_COMMENT_LIMIT, renderMarkdown, type MarkdownOptions } from './markdown.ts';
export { compareSecretKeys, maskSecretPair } from './secrets.ts';
export { renderText, type TextOptions } from './text-format.ts';
export { diffYaml, objectYaml, yamlPathAt } from './text.ts';
export type * from './types.ts';
