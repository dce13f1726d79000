// The Python standard-library http.server apps of the wrapper zoo (test/zoo/catalog.ts), proven by hand and scanned in every form.
import { zooSuite } from './suite.js';

zooSuite('http.server');
