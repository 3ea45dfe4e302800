/** The graph model's smallest parts: attributes, nodes and default statements (shared by the model and the look). */

/** An attribute: name and DOT content value. */
export type Attr = readonly [string, string];

/** A node: DOT content ID and attributes. */
export interface NodeSpec {
  id: string;
  attrs: Attr[];
}

/** A default statement (`graph [...]`, `node [...]`, `edge [...]`) printed right after `digraph {`. */
export interface Preamble {
  kind: 'graph' | 'node' | 'edge';
  attrs: Attr[];
}
