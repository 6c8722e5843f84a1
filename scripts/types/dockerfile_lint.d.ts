/** The part of projectatomic's dockerfile_lint (no bundled types) that scripts/compare-linters.ts uses. */
declare module 'dockerfile_lint' {
  interface DockerfileLintMessage {
    /** The rule's label for rule-file rules; absent for built-in checks, which only have a message. */
    label?: string;
    message: string;
    /** 1-based; -1 for file-level checks such as a required label. */
    line: number;
    level: 'error' | 'warn' | 'info';
  }
  interface DockerfileLintLevel {
    count: number;
    data: DockerfileLintMessage[];
  }
  class Linter {
    /** Without a rule file the tool's default rules apply. */
    constructor(ruleFilePath?: string);
    validate(contents: string): { error: DockerfileLintLevel; warn: DockerfileLintLevel; info: DockerfileLintLevel };
  }
  export = Linter;
}
