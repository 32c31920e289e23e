/** RFC 7644 §3.4.2.2 filter syntax tree. */

/** `[schemaUrn:]attribute[.subAttribute]`, names as written by the client. */
export interface AttributePath {
  /** Schema URN prefix, e.g. the enterprise extension's; undefined for core attributes. */
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

export type Filter =
  | {
      readonly kind: 'compare';
      readonly path: AttributePath;
      readonly op: CompareOperator;
      readonly value: FilterValue;
      /** The value as written, when it was not quoted (`externalId eq 00123` compares as "00123"). */
      readonly unquoted?: string;
    }
  | { readonly kind: 'present'; readonly path: AttributePath }
  | { readonly kind: 'and' | 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /** `emails[type eq "work" and primary eq true]`: `filter` is relative to each element of `path`. */
  | { readonly kind: 'valuePath'; readonly path: AttributePath; readonly filter: Filter };
