// What each kind of task is called: the rehearsal imports it from here; the words themselves live with every
// other word an official reads, in words.ts.
export { KIND_TEXT } from './words.ts';
