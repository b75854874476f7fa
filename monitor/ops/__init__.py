"""Running crawls over time: one crawl job, the scheduler daemon, schedules, ops alerts, status."""
