/** jest's top-level globalSetup (jest.config.js), before the tests of any tier. */
import { compileWhenStale } from './dist';
import { startSkipNotes } from './skipped-suites';

export default async function globalSetup(): Promise<void> {
  compileWhenStale();
  startSkipNotes();
}
