/** Built-in tasks fail with the family's TaskFailure. */
export { TaskFailure } from '../../errors.js';
