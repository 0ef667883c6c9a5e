"""Views of the volunteers app: `roster` (the coordinator's board, volunteers and hours), `shifts` (the
coordinator's shifts, assignments and templates), `rota` (the week and month grids), `mine` (a volunteer's own
pages), `public` (application form, sign-in links), `documents` (iCal feeds, PDF certificate)."""
