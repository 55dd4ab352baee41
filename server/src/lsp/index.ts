/**
 * The language server's surface for other front ends: its command ids and the shapes its commands
 * take and return (the server itself starts from main.ts). Nothing here may import at run time.
 */
export { COMMANDS, NOTIFICATIONS } from './protocol';
export type * from './protocol';
