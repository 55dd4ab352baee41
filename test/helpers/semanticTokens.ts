/**
 * Semantic tokens as LSP sends them (and VS Code's `vscode.provideDocumentSemanticTokens` returns
 * them): five integers per token, the line relative to the previous token's, the start character
 * relative to it too when on the same line. Decoded to absolute positions, for tests to compare.
 */
export type DecodedToken = [line: number, character: number, length: number, type: number, modifiers: number];

export function decodeSemanticTokens(data: ArrayLike<number>): DecodedToken[] {
  const tokens: DecodedToken[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    tokens.push([line, character, data[i + 2], data[i + 3], data[i + 4]]);
  }
  return tokens;
}
