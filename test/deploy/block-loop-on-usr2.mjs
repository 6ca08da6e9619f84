// Test-only fault, preloaded with `node --import`: SIGUSR2 blocks the daemon's event loop
// for GW_TEST_BLOCK_MS (a busy wait), the way a hung handler or a runaway parse would.
process.on('SIGUSR2', () => {
  const until = Date.now() + Number(process.env.GW_TEST_BLOCK_MS ?? 4000);
  while (Date.now() < until) {
    /* blocked */
  }
});
