// Jest 30 honours only the global testTimeout, not a project's: each project sets its own here.
// Generous on purpose: tests must hold on a loaded 2-core machine, and no test depends on timing.
jest.setTimeout(60_000);
