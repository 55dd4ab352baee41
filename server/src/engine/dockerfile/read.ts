/**
 * Reads a Dockerfile with dockerfile-ast (the Docker language service's parser) into the core's plain
 * data (core/dockerfile/syntax.ts): parser directives (`# escape=`), continuations with comment lines
 * inside, case-insensitive instructions and heredoc bodies, which are never read as instructions.
 * The build commands (build/dockerfiles.ts) and the analysis of Dockerfiles share this one reading.
 */
import { Copy, DockerfileParser, From, Run } from 'dockerfile-ast';
import type { Arg, Flag, Instruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileArg, DockerfileImageUse, DockerfileSyntax, DockerfileToken } from '../../core';

type Range = ReturnType<Instruction['getRange']>;

class Reader {
  private readonly document: TextDocument;

  constructor(text: string) {
    this.document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  }

  span(range: Range): { start: number; end: number } {
    return { start: this.document.offsetAt(range.start), end: this.document.offsetAt(range.end) };
  }

  token(value: string, range: Range): DockerfileToken {
    return { value, ...this.span(range) };
  }

  use(instruction: Instruction, role: DockerfileImageUse['role'], keyword: DockerfileToken, image: DockerfileToken): DockerfileImageUse {
    const range = instruction.getRange();
    return { role, line: range.start.line, instruction: this.span(range), keyword, image, stage: null, platform: null };
  }

  from(from: From): DockerfileImageUse[] {
    const range = from.getImageRange();
    const image = from.getImage();
    if (range === null || image === null) return [];
    const keyword = this.token(from.getInstruction(), from.getInstructionRange());
    const use = this.use(from, 'from', keyword, this.token(image, range));
    return [{ ...use, stage: from.getBuildStage(), platform: from.getPlatformFlag()?.getValue() ?? null }];
  }

  /** `COPY --from=<image>`. */
  copy(copy: Copy): DockerfileImageUse[] {
    return this.flagged(copy, 'copyFrom', copy.getFromFlag());
  }

  private flagged(instruction: Instruction, role: DockerfileImageUse['role'], flag: Flag | null): DockerfileImageUse[] {
    const value = flag?.getValue();
    const range = flag?.getValueRange();
    if (!flag || !value || !range) return [];
    return [this.use(instruction, role, this.token(flag.getName(), flag.getNameRange()), this.token(value, range))];
  }

  /** Every `--mount=…,from=<image>` of a RUN. */
  run(run: Run): DockerfileImageUse[] {
    return run.getFlags().flatMap((flag) => {
      if (flag.getName().toLowerCase() !== 'mount') return [];
      const from = flag.getOption('from');
      const value = from?.getValue();
      const range = from?.getValueRange();
      if (!from || !value || !range) return [];
      return [this.use(run, 'mountFrom', this.token(from.getName(), from.getNameRange()), this.token(value, range))];
    });
  }

  args(arg: Arg): DockerfileArg[] {
    return arg.getProperties().map((property) => {
      const value = property.getValue();
      const valueRange = property.getValueRange();
      return {
        name: this.token(property.getName(), property.getNameRange()),
        value: value !== null && valueRange !== null ? this.token(value, valueRange) : null,
      };
    });
  }
}

/** The images a Dockerfile names and the build arguments before its first FROM. */
export function readDockerfile(text: string): DockerfileSyntax {
  const dockerfile = DockerfileParser.parse(text);
  const reader = new Reader(text);
  const uses = dockerfile.getInstructions().flatMap((instruction): DockerfileImageUse[] => {
    if (instruction instanceof From) return reader.from(instruction);
    if (instruction instanceof Copy) return reader.copy(instruction);
    if (instruction instanceof Run) return reader.run(instruction);
    return [];
  });
  return { escape: dockerfile.getEscapeCharacter(), globalArgs: dockerfile.getInitialARGs().flatMap((arg) => reader.args(arg)), uses };
}
