import { describeValue, ScimError } from '../errors';
import type { AttributePath, CompareOperator, Filter, FilterValue } from './ast';

/** Longest filter accepted, in characters. */
export const MAX_FILTER_LENGTH = 4096;
/** Deepest nesting of parentheses, `not` and value paths. */
export const MAX_FILTER_DEPTH = 20;
/** Most attribute expressions in one filter. */
export const MAX_FILTER_COMPARISONS = 100;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token =
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly value: string; readonly at: number }
  | { readonly type: '(' | ')' | '[' | ']'; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

function invalid(text: string, at: number, problem: string): ScimError {
  return ScimError.badRequest('invalidFilter', `filter "${text}" is not valid at character ${at + 1}: ${problem}.`);
}

/** Splits a filter into words, quoted strings and brackets. Words run until whitespace or a bracket. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ type: char, at: i });
      i += 1;
    } else if (char === '"') {
      const start = i;
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) throw invalid(text, start, 'the quoted string is not closed');
      const literal = text.slice(start, end + 1);
      let value: unknown;
      try {
        value = JSON.parse(literal);
      } catch {
        throw invalid(text, start, `${literal} is not a valid JSON string`);
      }
      tokens.push({ type: 'string', value: value as string, at: start });
      i = end + 1;
    } else {
      const start = i;
      // A word may contain a quoted part only in URN-free attribute paths, which never do; stop at
      // whitespace, brackets and quotes.
      while (i < text.length && !/[\s()[\]"]/.test(text[i] as string)) i += 1;
      tokens.push({ type: 'word', text: text.slice(start, i), at: start });
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

const ATTRIBUTE_NAME = /^[A-Za-z][\w$-]*$/;

/**
 * Parses `[urn:…:]attr[.sub]`. A URN prefix ends at the last colon; the enterprise extension's
 * attributes are addressed this way (`urn:…:enterprise:2.0:User:manager.value`).
 */
export function parseAttributePath(word: string, onError: (problem: string) => ScimError): AttributePath {
  let schema: string | undefined;
  let rest = word;
  const colon = word.lastIndexOf(':');
  if (colon >= 0) {
    schema = word.slice(0, colon);
    rest = word.slice(colon + 1);
    if (!schema.toLowerCase().startsWith('urn:')) throw onError(`"${word}" is not an attribute path`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((part) => ATTRIBUTE_NAME.test(part))) {
    throw onError(`"${word}" is not an attribute path`);
  }
  const [attribute, subAttribute] = parts as [string, string | undefined];
  return {
    ...(schema !== undefined ? { schema } : {}),
    attribute,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
}

/**
 * A comparison value: a JSON string, number, `true`, `false` or `null`. Entra sends some values
 * unquoted (`externalId eq 5f1c…`); a bare word that is not a JSON literal is read as a string.
 */
function parseValue(token: Token): FilterValue {
  if (token.type === 'string') return token.value;
  if (token.type !== 'word') throw new Error('unreachable');
  const lower = token.text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(token.text)) return Number(token.text);
  return token.text;
}

class Parser {
  private position = 0;
  private comparisons = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): Filter {
    const filter = this.or(0);
    const next = this.peek();
    if (next.type !== 'end') throw this.error(next, `unexpected ${describe(next)}`);
    return filter;
  }

  private or(depth: number): Filter {
    let left = this.and(depth);
    while (this.isKeyword(this.peek(), 'or')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): Filter {
    let left = this.unary(depth);
    while (this.isKeyword(this.peek(), 'and')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): Filter {
    if (depth >= MAX_FILTER_DEPTH) throw this.error(this.peek(), `nesting is deeper than ${MAX_FILTER_DEPTH}`);
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.position += 1;
      this.expect('(');
      const filter = this.or(depth + 1);
      this.expect(')');
      return { kind: 'not', filter };
    }
    if (token.type === '(') {
      this.position += 1;
      const filter = this.or(depth + 1);
      this.expect(')');
      return filter;
    }
    return this.attributeExpression(depth);
  }

  private attributeExpression(depth: number): Filter {
    const token = this.next();
    if (token.type !== 'word') throw this.error(token, `expected an attribute name, found ${describe(token)}`);
    const path = parseAttributePath(token.text, (problem) => this.error(token, problem));

    if (this.peek().type === '[') {
      if (path.subAttribute !== undefined) throw this.error(token, `"${token.text}[…]" cannot filter a sub-attribute`);
      this.position += 1;
      const inner = this.or(depth + 1);
      this.expect(']');
      const valuePath: Filter = { kind: 'valuePath', path, filter: inner };
      // `emails[type eq "work"].value eq "x"`: not in RFC 7644's grammar, but Entra's matching
      // attribute setting produces it. Read it as emails[type eq "work" and value eq "x"].
      const after = this.peek();
      if (after.type === 'word' && after.text.startsWith('.')) {
        this.position += 1;
        const sub = after.text.slice(1);
        if (!ATTRIBUTE_NAME.test(sub)) throw this.error(after, `"${after.text}" is not a sub-attribute`);
        const condition = this.comparison({ attribute: sub });
        return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: condition } };
      }
      return valuePath;
    }
    return this.comparison(path);
  }

  private comparison(path: AttributePath): Filter {
    this.comparisons += 1;
    if (this.comparisons > MAX_FILTER_COMPARISONS) {
      throw this.error(this.peek(), `more than ${MAX_FILTER_COMPARISONS} comparisons`);
    }
    const operator = this.next();
    if (operator.type !== 'word')
      throw this.error(operator, `expected an operator after the attribute, found ${describe(operator)}`);
    const op = operator.text.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPERATORS.has(op)) {
      throw this.error(operator, `"${operator.text}" is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)`);
    }
    const value = this.next();
    if (value.type !== 'string' && value.type !== 'word') {
      throw this.error(value, `expected a value after "${operator.text}", found ${describe(value)}`);
    }
    if (value.type === 'word' && this.isLogical(value)) {
      throw this.error(value, `expected a value after "${operator.text}", found "${value.text}"`);
    }
    return {
      kind: 'compare',
      path,
      op: op as CompareOperator,
      value: parseValue(value),
      ...(value.type === 'word' ? { unquoted: value.text } : {}),
    };
  }

  private isLogical(token: Token): boolean {
    return this.isKeyword(token, 'and') || this.isKeyword(token, 'or');
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.position += 1;
    return token;
  }

  private expect(type: '(' | ')' | ']'): void {
    const token = this.next();
    if (token.type !== type) throw this.error(token, `expected "${type}", found ${describe(token)}`);
  }

  private error(token: Token, problem: string): ScimError {
    return invalid(this.text, token.at, problem);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the filter';
    case 'word':
      return `"${token.text}"`;
    case 'string':
      return describeValue(token.value);
    default:
      return `"${token.type}"`;
  }
}

/** Index of the `]` closing the `[` at `open`, skipping quoted filter values; -1 when there is none. */
export function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === ']') return i;
  }
  return -1;
}

/** Parses a SCIM filter (RFC 7644 §3.4.2.2). Throws a 400 `invalidFilter` naming the problem. */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.badRequest(
      'invalidFilter',
      `filter is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`,
    );
  }
  if (text.trim() === '') throw ScimError.badRequest('invalidFilter', 'filter is empty.');
  return new Parser(text, tokenize(text)).parse();
}
