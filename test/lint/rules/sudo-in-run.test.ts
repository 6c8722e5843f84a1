import { sudoInRun } from '../../../src/lint/rules/sudo-in-run';
import { ruleTester } from '../rule-tester';

ruleTester(sudoInRun, {
  valid: ['FROM debian:12\nUSER root\nRUN apt-get update\nUSER app', 'FROM debian:12\nRUN apt-get install -y sudo && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app'],
  invalid: [
    { code: 'FROM ubuntu:24.04\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y curl', findings: [{ line: 3, message: 'sudo in a RUN' }] },
    { name: 'inside sh -c', code: "FROM ubuntu:24.04\nRUN sh -c 'sudo -u app make install'", findings: [{ line: 2 }] },
  ],
});
