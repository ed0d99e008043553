/** Exit code chosen by a command; commands set it, only the entry point exits. */
export const exit = { code: 0 };
