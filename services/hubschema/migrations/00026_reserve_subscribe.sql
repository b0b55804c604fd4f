-- +goose Up
-- /{lang}/subscribe is the e-mail subscription form (issue 9 point 9;
-- gateway/internal/portal/subscribe.go): no tenant or section may take the
-- word (the triggers of migration 00007 refuse it from now on, and this
-- insert fails if one has it already).
INSERT INTO reserved_words (word, purpose) VALUES ('subscribe', 'e-mail subscriptions (/{lang}/subscribe)');

-- +goose Down
DELETE FROM reserved_words WHERE word = 'subscribe';
