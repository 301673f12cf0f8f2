-- Keel schema version 15: feedback by arrival time.
-- The monitoring pass reads a window's feedback once, from the feedback side (the feedback that
-- arrived since the window began, whose request was logged in the window), instead of probing the
-- feedback of every logged request page by page: its cost follows the labelled requests, not the
-- logged ones. Feedback arrives after the prediction it labels, so its time bounds the read.
CREATE INDEX ix_prediction_feedback_time ON prediction_feedback (timestamp);
