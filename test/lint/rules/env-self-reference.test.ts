import { envSelfReference } from '../../../src/lint/rules/env-self-reference';
import { ruleTester } from '../rule-tester';

ruleTester(envSelfReference, {
  valid: ['FROM debian:12\nENV APP_HOME=/app\nENV APP_BIN=$APP_HOME/bin', 'FROM debian:12\nENV PATH=/opt/bin:$PATH A=1'],
  invalid: [{ code: 'FROM debian:12\nENV APP_HOME=/app APP_BIN=$APP_HOME/bin', findings: [{ line: 2, message: 'ENV APP_BIN uses $APP_HOME' }] }],
});
