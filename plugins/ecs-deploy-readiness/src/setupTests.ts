import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Lazy extensions, react-aria and MUI render slowly in jsdom when the test workers share two
// cores: give findBy*/waitFor more than their default second.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no ResizeObserver; recharts' ResponsiveContainer needs one to lay out charts.
if (typeof window !== 'undefined' && !('ResizeObserver' in window)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (window as any).ResizeObserver = ResizeObserverStub;
}
