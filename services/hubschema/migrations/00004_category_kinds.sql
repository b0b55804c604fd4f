-- +goose Up
-- The kinds of content each category admits, as the items table spells them
-- (items.kind): the hub refuses an item whose kind its category does not
-- admit (KIND_CATEGORY_MISMATCH), so that a legal document filed under news
-- never lands in the news section. ListCategories hands the list to the
-- sub-portals. A category this migration does not know keeps admitting
-- every kind, as it did before.
ALTER TABLE categories ADD COLUMN kinds text[] NOT NULL DEFAULT ARRAY[
    'article', 'page', 'legal_document', 'public_service', 'procurement_notice', 'dataset',
    'organisation_unit', 'directory_entry', 'external_link', 'work_schedule', 'question_answer'];

UPDATE categories SET kinds = CASE code
    WHEN 'introduction'    THEN ARRAY['page', 'article']
    WHEN 'investment'      THEN ARRAY['page', 'article']
    WHEN 'tourism'         THEN ARRAY['page', 'article']
    WHEN 'news'            THEN ARRAY['article']
    WHEN 'leadership'      THEN ARRAY['article', 'work_schedule']
    WHEN 'organisation'    THEN ARRAY['organisation_unit', 'page']
    WHEN 'legal'           THEN ARRAY['legal_document']
    WHEN 'public-services' THEN ARRAY['public_service', 'page']
    WHEN 'policy'          THEN ARRAY['article', 'page']
    WHEN 'directory'       THEN ARRAY['directory_entry', 'organisation_unit']
    WHEN 'procurement'     THEN ARRAY['procurement_notice', 'article']
    WHEN 'feedback'        THEN ARRAY['question_answer', 'page', 'article']
    WHEN 'statistics'      THEN ARRAY['dataset', 'article', 'page']
    WHEN 'links'           THEN ARRAY['external_link']
    WHEN 'highlights'      THEN ARRAY['article']
    ELSE kinds END;

ALTER TABLE categories ALTER COLUMN kinds DROP DEFAULT;
ALTER TABLE categories ADD CONSTRAINT categories_kinds CHECK (
    cardinality(kinds) > 0 AND kinds <@ ARRAY[
        'article', 'page', 'legal_document', 'public_service', 'procurement_notice', 'dataset',
        'organisation_unit', 'directory_entry', 'external_link', 'work_schedule', 'question_answer']);

-- +goose Down
ALTER TABLE categories DROP COLUMN kinds;
