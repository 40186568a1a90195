import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFormat, loadWorkflowFile, parseWorkflowText } from '../../src/workflow/parse.js';
import { problems, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const json = (text: string) => problems(() => parseWorkflowText(text, { sourceName: 'flow.json' }));
const yaml = (text: string) => problems(() => parseWorkflowText(text, { sourceName: 'flow.yaml' }));

describe('parseWorkflowText', () => {
  it('parses JSON and YAML to the same value', () => {
    const fromJson = parseWorkflowText('{"tasks": [{"identifier": "a", "depends_on": ["b"]}]}', {
      sourceName: 'x.json',
    });
    const fromYaml = parseWorkflowText('tasks:\n  - identifier: a\n    depends_on: [b]\n', {
      sourceName: 'x.yml',
    });
    expect(fromYaml).toEqual(fromJson);
  });

  it('chooses the format from the extension, else from the first character', () => {
    expect(detectFormat('tasks: []', 'a.json')).toBe('json');
    expect(detectFormat('{}', 'a.YAML')).toBe('yaml');
    expect(detectFormat('  {"tasks": []}', 'request body')).toBe('json');
    expect(detectFormat('tasks: []', 'request body')).toBe('yaml');
    expect(parseWorkflowText('\uFEFF{"tasks": []}', { sourceName: 'stdin' })).toEqual({ tasks: [] });
  });

  it('explains a trailing comma with line, column, the line and a caret', async () => {
    expect(await json('{\n  "tasks": [\n    {"identifier": "a"},\n  ]\n}')).toEqual([
      'not valid JSON at line 4, column 3: unexpected "]": remove the trailing comma before it (JSON allows none)\n        ]\n        ^',
    ]);
  });

  it('explains a missing comma', async () => {
    expect(await json('{\n  "tasks": [\n    {"identifier": "a" "model": "opus"}\n  ]\n}')).toEqual([
      'not valid JSON at line 3, column 24: expected \',\' or \'}\' after property value: a comma is probably missing before it\n          {"identifier": "a" "model": "opus"}\n                             ^',
    ]);
  });

  it('explains comments, single quotes, bare names and a cut-off file', async () => {
    const [comment] = await json('{\n  // the tasks\n  "tasks": []\n}');
    expect(comment).toMatch(
      /^not valid JSON at line 2, column 3: unexpected "\/": JSON has no comments; remove it, or write the file as YAML \(\.yaml\)/,
    );
    const [quote] = await json("{'tasks': []}");
    expect(quote).toMatch(
      /^not valid JSON at line 1, column 2: unexpected "'": JSON strings and property names use double quotes/,
    );
    const [bare] = await json('{"tasks": [{identifier: "a"}]}');
    expect(bare).toMatch(
      /^not valid JSON at line 1, column 13: unexpected "i": property names need double quotes/,
    );
    const [cut] = await json('{"tasks": [{"identifier": "a"}');
    expect(cut).toMatch(
      /^not valid JSON at line 1, column 31: the text ends too early: a closing "}", "]" or quote is missing/,
    );
  });

  it('explains YAML mistakes with line and column', async () => {
    const [tab] = await yaml('tasks:\n  - identifier: a\n\texecution_prompt: x\n');
    expect(tab).toMatch(
      /^not valid YAML at line 3, column 1: tabs are not allowed as indentation \(indent with spaces\)\n/,
    );
    const [duplicate] = await yaml('tasks:\n  - identifier: a\n    identifier: b\n');
    expect(duplicate).toMatch(
      /^not valid YAML at line 3, column 5: map keys must be unique \(a key appears twice in the same object\)\n {6} {4}identifier: b\n {6} {4}\^$/,
    );
    const [flow] = await yaml('tasks:\n  - identifier: a\n    depends_on: [b\n');
    expect(flow).toMatch(/^not valid YAML at line \d+, column \d+: /);
  });

  it('says so when the text is empty', async () => {
    expect(await yaml('  \n# only a comment?\n'.slice(0, 3))).toEqual([
      'the file is empty; it needs a "tasks" list',
    ]);
  });

  it('names the source in the error message', () => {
    expect(() => parseWorkflowText('{', { sourceName: 'release.json' })).toThrow(
      /^release\.json is invalid: not valid JSON at line 1, column 2/,
    );
  });
});

describe('loadWorkflowFile', () => {
  it('returns the document, the absolute path and the folder relative directories resolve against', async () => {
    mkdirSync(join(dir, 'flows'));
    const file = join(dir, 'flows', 'release.yml');
    writeFileSync(file, 'tasks:\n  - identifier: a\n    execution_prompt: hi\n    working_directory: ..\n');
    const loaded = await loadWorkflowFile(file);
    expect(loaded).toEqual({
      document: { tasks: [{ identifier: 'a', execution_prompt: 'hi', working_directory: '..' }] },
      baseDir: join(dir, 'flows'),
      path: file,
      format: 'yaml',
    });
  });

  it('reports a missing file and a directory with the path', async () => {
    const missing = join(dir, 'nope.yaml');
    expect(await problems(() => loadWorkflowFile(missing))).toEqual([
      `"${missing}" does not exist; check the path`,
    ]);
    expect(await problems(() => loadWorkflowFile(dir))).toEqual([
      `"${dir}" is a directory; pass the workflow file inside it`,
    ]);
  });
});
