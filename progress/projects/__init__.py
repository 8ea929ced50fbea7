"""Projects: a learner's work on a project (its criteria, links, submission,
self-assessment and state), their page, and the portfolio that shows approved
work. Mentoring keeps only the review (and its thread), which it shows here
through slots and which moves the work through `services.move_project`.

It lives in progress, not an app of its own: progress's pages read project work
(the map's states, the dashboard, the history, the export), and the portfolio
reads progress (roadmap completion), so an app between progress and mentoring
would need arrows both ways. Nothing else in progress imports this package
(make lint's contracts)."""
