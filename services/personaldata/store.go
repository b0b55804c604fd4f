package personaldata

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrShredded says a submission has no data key: its personal data was
// deleted (or it never had any), and its ciphertexts cannot be opened.
var ErrShredded = errors.New("personaldata: no data key (personal data deleted)")

// ErrExists says a submission has a data key already.
var ErrExists = errors.New("personaldata: the submission has a data key already")

// Store keeps the wrapped data keys in the hub's personal_data_keys table
// (hubschema migration 00016) and unwraps them with the keyring.
type Store struct {
	pool *pgxpool.Pool
	keys *Keyring
	log  *ShredLog // nil: deletions are not logged
	now  func() time.Time
}

// NewStore is the data keys in pool's database, wrapped by keys.
func NewStore(pool *pgxpool.Pool, keys *Keyring) *Store {
	return &Store{pool: pool, keys: keys, now: time.Now}
}

// SetShredLog makes Destroy and Shred record what they destroy in log, so
// that a restore of the database can destroy it again (see ShredLog).
func (s *Store) SetShredLog(log *ShredLog) { s.log = log }

// Create makes the data key of a new submission, wrapped by the current
// key-encryption key, kept until deleteAfter (the end of the retention
// period), and returns it to seal the submission's personal data.
func (s *Store) Create(ctx context.Context, submissionID string, deleteAfter time.Time) (*DataKey, error) {
	key, raw, err := newDataKey(submissionID)
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, err)
	}
	kekID, wrapped, err := s.keys.wrap(raw, submissionID)
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO personal_data_keys (submission_id, kek_id, wrapped_key, delete_after)
		VALUES ($1, $2, $3, $4)`, submissionID, kekID, wrapped, deleteAfter)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, ErrExists)
	}
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, err)
	}
	return key, nil
}

// Get returns the data key of a submission, or ErrShredded.
func (s *Store) Get(ctx context.Context, submissionID string) (*DataKey, error) {
	var kekID string
	var wrapped []byte
	err := s.pool.QueryRow(ctx, `SELECT kek_id, wrapped_key FROM personal_data_keys WHERE submission_id = $1`,
		submissionID).Scan(&kekID, &wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, ErrShredded)
	}
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", submissionID, err)
	}
	raw, err := s.keys.unwrap(kekID, wrapped, submissionID)
	if err != nil {
		return nil, err
	}
	return dataKeyOf(submissionID, raw)
}

// Destroy deletes the data key of a submission (crypto-shredding): its
// personal data, in the database, in backups and anywhere else it was
// copied, can no longer be decrypted. It reports whether there was a key.
//
// With a shred log, the id is recorded too, also when there was no key (a
// restore may bring one back); an error then means the key is destroyed
// but a restore could revive it: the caller must not drop the request.
func (s *Store) Destroy(ctx context.Context, submissionID string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM personal_data_keys WHERE submission_id = $1`, submissionID)
	if err != nil {
		return false, fmt.Errorf("destroy the data key of %s: %w", submissionID, err)
	}
	if err := s.log.Record([]string{submissionID}, s.now()); err != nil {
		return tag.RowsAffected() > 0, err
	}
	return tag.RowsAffected() > 0, nil
}

// Reshred destroys again the data keys of every submission in ids (from
// ReadShredLog) that the database holds, after a restore to a point before
// their deletion, and then the keys past their retention (Shred). It
// returns how many keys it destroyed.
func (s *Store) Reshred(ctx context.Context, ids []string, now time.Time) (int64, error) {
	var n int64
	for start := 0; start < len(ids); start += 1000 {
		batch := ids[start:min(start+1000, len(ids))]
		tag, err := s.pool.Exec(ctx, `DELETE FROM personal_data_keys WHERE submission_id = ANY($1)`, batch)
		if err != nil {
			return n, fmt.Errorf("destroy the data keys again: %w", err)
		}
		n += tag.RowsAffected()
	}
	expired, err := s.Shred(ctx, now)
	return n + expired, err
}
