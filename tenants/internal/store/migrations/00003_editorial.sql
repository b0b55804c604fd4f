-- The editorial workflow (issue 3, item 2): every saved revision of an item
-- with its state, the people who wrote, reviewed and approved it, and the
-- contributors paid for it (Art. 14). Package tenants/internal/editorial
-- reads and writes these tables.
--
-- A revision is not a hub version: an approved revision points at the
-- item_versions row its approval wrote (hub_version), which store assigns.
-- People are recorded by account id and by the names they had at the time,
-- so the record stays true after an account is renamed or disabled.

-- +goose Up
CREATE TABLE revisions (
    id            bigserial PRIMARY KEY,
    content_id    text    NOT NULL CHECK (content_id ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    -- 1, 2, 3, ... per content_id.
    number        integer NOT NULL CHECK (number > 0),
    state         text    NOT NULL
                  CHECK (state IN ('draft', 'submitted', 'returned', 'approved', 'superseded', 'discarded')),
    -- A request to withdraw, redirect or remove (gone) the item.
    unpublish     boolean NOT NULL DEFAULT false,
    -- The proposed change: protojson of a pb.ContentItem holding all but
    -- the texts (kind, category, details, attachments, state, unpublishing,
    -- published_at), and the texts per locale with their Markdown bodies.
    shell         jsonb   NOT NULL,
    texts         jsonb   NOT NULL,
    author_id       bigint NOT NULL,
    author_username text   NOT NULL,
    author_name     text   NOT NULL,
    -- The editor who reviewed it (submitted it for approval or edited it
    -- while submitted); NULL while nobody has.
    editor_id       bigint,
    editor_username text   NOT NULL DEFAULT '',
    editor_name     text   NOT NULL DEFAULT '',
    -- The reviewer's comment when returned, and who returned it.
    comment       text    NOT NULL DEFAULT '',
    returned_by   text    NOT NULL DEFAULT '',
    -- Approved for publication at this time (UTC); NULL = at approval.
    publish_at    timestamptz,
    hub_version   bigint,
    approver_id       bigint,
    approver_username text NOT NULL DEFAULT '',
    approved_by       text NOT NULL DEFAULT '',
    approved_at   timestamptz,
    -- Legacy-encoding conversions made when saving (JSON array).
    notices       jsonb   NOT NULL DEFAULT '[]',
    restored_from bigint  REFERENCES revisions (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (content_id, number),
    FOREIGN KEY (content_id, hub_version) REFERENCES item_versions (content_id, version),
    -- Approved (and later superseded) revisions, and only they, carry
    -- their hub version and approval.
    CHECK ((state IN ('approved', 'superseded')) = (hub_version IS NOT NULL)),
    CHECK ((hub_version IS NULL) = (approved_at IS NULL))
);
CREATE INDEX revisions_open ON revisions (state, updated_at DESC)
    WHERE state IN ('draft', 'submitted', 'returned');
CREATE INDEX revisions_approved ON revisions (approved_at) WHERE approved_at IS NOT NULL;

-- Contributors of an approved revision with their royalty (Art. 14), set
-- by the approver.
CREATE TABLE revision_contributors (
    revision_id bigint  NOT NULL REFERENCES revisions (id),
    position    integer NOT NULL CHECK (position >= 0),
    name        text    NOT NULL CHECK (name <> ''),
    account_id  bigint,
    role        text    NOT NULL
                CHECK (role IN ('author', 'editor', 'translator', 'photographer', 'contributor')),
    points      numeric(12, 2) NOT NULL DEFAULT 0 CHECK (points >= 0),
    amount_vnd  bigint  NOT NULL DEFAULT 0 CHECK (amount_vnd >= 0),
    PRIMARY KEY (revision_id, position)
);

-- +goose Down
DROP TABLE revision_contributors, revisions;
