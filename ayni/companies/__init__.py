"""Companies, their locations, members and invitations, and the access checks every company-scoped route runs
(issue 12). Empty until then: the layer test covers it from the start."""
