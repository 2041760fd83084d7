import { formatMessage, type FormatSegment, type InlineSegment } from '../lib/message-format';

/**
 * The tree in one line: {b:…} bold, {i:…} italic, {code:…}, {pre lang:…} a code block,
 * {a:…} a link; plain text as is.
 */
function show(text: string): string {
  return formatMessage(text).map(print).join('');
}

function print(segment: FormatSegment): string {
  switch (segment.kind) {
    case 'text':
      return segment.text;
    case 'strong':
      return `{b:${segment.children.map(print).join('')}}`;
    case 'em':
      return `{i:${segment.children.map(print).join('')}}`;
    case 'code':
      return `{code:${segment.text}}`;
    case 'link':
      return `{a:${segment.text}}`;
    case 'code-block':
      return `{pre${segment.language ? ` ${segment.language}` : ''}:${segment.text}}`;
  }
}

/** Every character the reader sees, in order. */
function visible(segments: readonly FormatSegment[]): string {
  return segments
    .map((segment) =>
      'children' in segment ? visible(segment.children as InlineSegment[]) : segment.text,
    )
    .join('');
}

describe('formatMessage: bold and italic', () => {
  test.each([
    ['**bold**', '{b:bold}'],
    ['_italic_', '{i:italic}'],
    ['*italic*', '{i:italic}'],
    ['***both***', '{i:{b:both}}'],
    ['a **bold** and _italic_ word', 'a {b:bold} and {i:italic} word'],
    ['**bold with _italic_ inside**', '{b:bold with {i:italic} inside}'],
    ['_italic with **bold** inside_', '{i:italic with {b:bold} inside}'],
    ['*italic with **bold** inside*', '{i:italic with {b:bold} inside}'],
    ['**two words**, then more', '{b:two words}, then more'],
    ['(**in brackets**)', '({b:in brackets})'],
    ['"_quoted_"', '"{i:quoted}"'],
    ['**line one\nline two**', '{b:line one\nline two}'],
    ['**😀**', '{b:😀}'],
    ['😀**bold**😀', '😀{b:bold}😀'],
    ['Ünïcödé _wörds_ here', 'Ünïcödé {i:wörds} here'],
  ])('%j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });

  test.each([
    // Inside words and between numbers nothing happens.
    'snake_case_words',
    'call my_function_name now',
    '2*3*4',
    '**a**b',
    'x**2 + y**2',
    'file_name_v2_final.txt',
    // Markers need a non-space just inside them.
    '** not bold **',
    '_ not italic _',
    'a * b * c',
    '**',
    '****',
    '_',
    // Unclosed markers stay literal.
    '**unclosed',
    'unopened**',
    '_unclosed',
    '*unclosed',
    '**a _b',
    // Double underscores are not bold.
    '__init__',
    '__dirname',
    '___x___',
  ])('%j stays plain', (input) => {
    expect(show(input)).toBe(input);
  });

  test.each([
    ['**a _b** c_', '{b:a _b} c_'],
    ['*a **b* c**', '{i:a {i:{i:b} c}}'],
    ['**a** **b**', '{b:a} {b:b}'],
    ['***a** b*', '{i:{b:a} b}'],
    ['***a* b**', '{b:{i:a} b}'],
    ['**a***', '{b:a}*'],
    ['***a**', '*{b:a}'],
    ['_a_b_', '{i:a_b}'],
    ['_a_ b_', '{i:a} b_'],
    ['*_a_*', '{i:{i:a}}'],
    ['_**a**_', '{i:{b:a}}'],
  ])('overlapping and uneven markers: %j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });

  test.each([
    ['\\*not italic\\*', '*not italic*'],
    ['\\_not italic\\_', '_not italic_'],
    ['\\*\\*not bold\\*\\*', '**not bold**'],
    ['\\**not bold**', '**not bold**'],
    ['\\`not code\\`', '`not code`'],
    ['\\``not code``', '``not code``'],
    ['C:\\Users\\me', 'C:\\Users\\me'],
    ['\\\\server\\share', '\\\\server\\share'],
    ['a \\ b', 'a \\ b'],
    ['\\', '\\'],
  ])('a backslash escapes markers and nothing else: %j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });
});

describe('formatMessage: code', () => {
  test.each([
    ['`code`', '{code:code}'],
    ['use `npm install` now', 'use {code:npm install} now'],
    ['`**not bold**`', '{code:**not bold**}'],
    ['`_x_` and `<b>x</b>`', '{code:_x_} and {code:<b>x</b>}'],
    ['`https://example.com`', '{code:https://example.com}'],
    ['`a\\`', '{code:a\\}'],
    ['`` a ` b ``', '{code:a ` b}'],
    ['``` `` ```', '{pre: `` }'],
    ['**`code` in bold**', '{b:{code:code} in bold}'],
    ['_`code`_', '{i:{code:code}}'],
    ['foo`bar`baz', 'foo{code:bar}baz'],
    ['` `', '{code: }'],
    ['`a` `b`', '{code:a} {code:b}'],
  ])('%j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });

  test.each(['`unclosed', 'unclosed`', '``a`', '`a``', '```unclosed\ncode', '````'])(
    '%j stays plain',
    (input) => {
      expect(show(input)).toBe(input);
    },
  );

  test.each([
    ['```\nconst a = 1;\n```', '{pre:const a = 1;}'],
    ['```js\nconst a = 1;\n```', '{pre js:const a = 1;}'],
    ['```c++\nint main() {}\n```', '{pre c++:int main() {}}'],
    ['```js  \nx\n```', '{pre js:x}'],
    ['```one line```', '{pre:one line}'],
    ['```js```', '{pre:js}'],
    ['look:\n```\na\n  b\n```\nnice', 'look:{pre:a\n  b}nice'],
    ['before ```x``` after', 'before {pre:x} after'],
    [
      '```\n**no** _format_ https://example.com `x`\n```',
      '{pre:**no** _format_ https://example.com `x`}',
    ],
    ['````\n```\nnested fence\n```\n````', '{pre:```\nnested fence\n```}'],
    ['```\n\n  indented\n\n```', '{pre:\n  indented\n}'],
    ['```\n```', '{pre:}'],
    [`\`\`\`${'a'.repeat(33)}\nx\n\`\`\``, `{pre:${'a'.repeat(33)}\nx}`],
    ['**a\n```\nb\n```\nc**', '**a{pre:b}c**'],
  ])('code block %j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });
});

describe('formatMessage: links', () => {
  test.each([
    ['see https://example.com now', 'see {a:https://example.com} now'],
    ['**https://example.com**', '{b:{a:https://example.com}}'],
    ['_https://example.com/a_b_', '{i:{a:https://example.com/a_b}}'],
    ['https://example.com/snake_case_path', '{a:https://example.com/snake_case_path}'],
    ['https://example.com/_x_/y', '{a:https://example.com/_x_/y}'],
    ['https://example.com/*a*b', '{a:https://example.com/*a*b}'],
    ['**bold** www.example.org.', '{b:bold} {a:www.example.org}.'],
  ])('%j', (input, expected) => {
    expect(show(input)).toBe(expected);
  });

  test('a link keeps its target', () => {
    expect(formatMessage('**https://example.com/x**')).toEqual([
      {
        kind: 'strong',
        children: [{ kind: 'link', text: 'https://example.com/x', href: 'https://example.com/x' }],
      },
    ]);
  });
});

describe('formatMessage: what it never does', () => {
  test.each([
    '<b>x</b>',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '&lt;b&gt; &amp;',
    '[text](javascript:alert(1))',
    'javascript:alert(1)',
  ])('%j is text', (input) => {
    expect(formatMessage(input)).toEqual([{ kind: 'text', text: input }]);
  });

  test('plain text is one text segment, and the empty text none', () => {
    expect(formatMessage('hello there')).toEqual([{ kind: 'text', text: 'hello there' }]);
    expect(formatMessage('')).toEqual([]);
  });

  test('keeps every character but the markers it used, on hostile inputs', () => {
    const inputs = [
      '**_`**'.repeat(600),
      '*_'.repeat(1000),
      '**'.repeat(1000) + 'a',
      '`'.repeat(4000),
      '` `` ``` '.repeat(400),
      '\\*'.repeat(2000),
      '_a '.repeat(1300),
      'a_ '.repeat(1300),
    ];
    for (const input of inputs) {
      const segments = formatMessage(input);
      const seen = visible(segments);
      expect(seen.length).toBeLessThanOrEqual(input.length);
      // What is seen is what was typed, in order, less some markers and backslashes.
      let i = 0;
      for (const char of seen) {
        while (i < input.length && input[i] !== char) i += 1;
        expect(i).toBeLessThan(input.length);
        i += 1;
      }
    }
  });

  test('the same text gives the same tree', () => {
    const text = '**a** _b_ `c` https://example.com\n```js\nd\n```';
    expect(formatMessage(text)).toEqual(formatMessage(text));
  });
});
