export interface CommandResult {
  readonly json: unknown;
  readonly text: string;
  readonly exitCode: number;
}
