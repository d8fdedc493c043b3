// Tiger benchmarks live beside the adapter; this entry lets `npm run bench -- tiger` find them.
import '../src/main/brokers/tiger/tiger.bench.js';
