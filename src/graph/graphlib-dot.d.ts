/** The part of graphlib-dot (which ships no types) that flowdigest uses. */
declare module 'graphlib-dot' {
  import type { Graph } from 'graphlib';
  /** Write a graph as DOT. Keywords and backslashes are not escaped; undefined attribute values throw. */
  export function write(g: Graph): string;
  /** Parse one DOT graph (a compound multigraph unless `strict`). */
  export function read(text: string): Graph;
}
