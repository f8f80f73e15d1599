/** Runs in every test file: temp directories made through the helpers are removed when the file ends. */
import { removeTempDirs } from './helpers';

afterAll(() => removeTempDirs());
