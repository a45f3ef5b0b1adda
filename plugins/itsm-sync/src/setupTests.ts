import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// A page's first render loads lazy extensions; on a busy 2-core CI machine that can take
// longer than testing-library's 1 s default, so findBy/waitFor wait up to 5 s.
configure({ asyncUtilTimeout: 5000 });
