/**
 * The language server's surface for other front ends: the shapes its commands take and return (the
 * server itself starts from main.ts).
 */
export type * from './protocol';
