"""Views of the volunteers app: `manage` (coordinator), `mine` (a volunteer's own pages),
`public` (application form, sign-in links), `documents` (iCal feeds, PDF certificate)."""
