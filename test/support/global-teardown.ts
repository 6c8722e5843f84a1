/** jest's top-level globalTeardown (jest.config.js), after every project's own. */
import { reportSkippedSuites } from './skipped-suites';

export default async function globalTeardown(): Promise<void> {
  reportSkippedSuites();
}
