-- Each category's section slugs by locale, as ListCategories answers them:
-- the rules refuse an item whose slug is one (SLUG_RESERVED), here as at the
-- hub. Empty until the next answer of the hub fills it.

-- +goose Up
ALTER TABLE categories ADD COLUMN slugs jsonb NOT NULL DEFAULT '{}';  -- {"vi": "van-ban-phap-luat", ...}

-- +goose Down
ALTER TABLE categories DROP COLUMN slugs;
