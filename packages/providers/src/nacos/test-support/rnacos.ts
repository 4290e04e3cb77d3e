// The real r-nacos server tests run against (see ../rnacos-server.ts).
export { startRnacos, rnacosBinary, RNACOS_VERSION, type RnacosServer, type RnacosOptions } from '../rnacos-server';
