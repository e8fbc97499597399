// The regular expressions users write in fail_patterns, pass_patterns, ignore_patterns and
// severity_patterns: JavaScript syntax, no flags, tested against each line without its newline.
// The spec checks them with patternProblem when it is read, so a bad one never reaches a run.

/** Why `source` cannot be a pattern, in words, or undefined when it can. */
export const patternProblem = (source: string): string | undefined => {
  if (source === '') return 'a pattern must not be empty (it would match every line)';
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/** The RegExp of a pattern the spec has already checked. */
export const compilePattern = (source: string): RegExp => new RegExp(source);
