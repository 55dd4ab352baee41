/**
 * The language server's composition root and the entry point of dist/server.js.
 * createConnection reads the transport from the command line (`--stdio`, `--node-ipc`, `--socket=`),
 * which is how vscode-languageclient starts it. Set IMAGE_AWARE_TRACE to log request timings.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
startServer(connection, { trace: Boolean(process.env.IMAGE_AWARE_TRACE) });
