/** The roster's field limits (shared by the forms, the import and the domain module). */
export const ROSTER_LIMITS = { name: 40, title: 60 } as const;
