export { createSignatureVerifier } from './verifier';
