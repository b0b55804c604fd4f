package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/mailout"
)

// A visitor deletes the personal data of their submission (issue 9 point
// 6, Law 91/2025's right to deletion): with the tracking code they ask for
// a link, which goes to the e-mail address they gave (so whoever holds a
// code alone cannot delete someone's data, nor learn anything); the link's
// page deletes it. Deleting is Erase, which the retention job runs too.

// Erasure link limits.
const (
	// EraseLinkValid is how long a confirmation link works.
	EraseLinkValid = 24 * time.Hour
	// EraseLinkEvery is how often a submission's link is sent at most.
	EraseLinkEvery = 10 * time.Minute
)

// RequestErasure sends the confirmation link of the submission with
// tracking code code to its e-mail address, in lang, unless it has none (or
// its contact details are gone), was deleted already, or was sent a link in
// the last EraseLinkEvery. It reports whether a link was queued; callers
// tell the visitor the same thing either way.
func (s *Store) RequestErasure(ctx context.Context, code, lang string) (bool, error) {
	code, ok := feedbackrules.NormalizeCode(code)
	if !ok {
		return false, nil
	}
	if !slices.Contains(feedbackrules.Languages, lang) {
		lang = "vi"
	}
	now := s.cfg.Now()
	sent := false
	err := pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		var id string
		var sealed []byte
		var hasEmail bool
		var erased, asked *time.Time
		err := tx.QueryRow(ctx, `SELECT id, contact, has_email, erased_at, erase_requested_at FROM feedback WHERE tracking_code = $1 FOR UPDATE`,
			code).Scan(&id, &sealed, &hasEmail, &erased, &asked)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if erased != nil || !hasEmail || asked != nil && now.Sub(*asked) < EraseLinkEvery {
			return nil
		}
		email, err := s.email(ctx, id, sealed)
		if err != nil || email == "" {
			return err
		}
		token := make([]byte, 32)
		rand.Read(token) // never fails (crypto/rand)
		link := base64.RawURLEncoding.EncodeToString(token)
		hash := sha256.Sum256([]byte(link))
		if _, err := tx.Exec(ctx, `UPDATE feedback SET erase_token_hash = $2, erase_token_expires = $3, erase_requested_at = $4 WHERE id = $1`,
			id, hash[:], now.Add(EraseLinkValid), now); err != nil {
			return err
		}
		if _, err := mailout.Enqueue(ctx, tx, erasureLink(lang, email, code, s.cfg.SiteURL, link)); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, dbErr("request erasure", err)
}

// ConfirmErasure deletes the personal data of the submission whose
// confirmation link carries token, and returns when; ErrNotFound for a
// token that is unknown or expired.
func (s *Store) ConfirmErasure(ctx context.Context, token string) (time.Time, error) {
	hash := sha256.Sum256([]byte(strings.TrimSpace(token)))
	var id string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT id FROM feedback WHERE erase_token_hash = $1 AND erase_token_expires > $2`,
		hash[:], s.cfg.Now()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, dbErr("confirm erasure", err)
	}
	return s.Erase(ctx, id)
}

// Erase deletes the personal data of submission id and returns when it was
// deleted (at the first Erase; later ones change nothing). First its data
// key is destroyed (crypto-shredding: the contact details, here, in dumps
// and replicas, can never be read again; the shred log records it for
// restored backups); then, in one transaction, its question is emptied, its
// attachments and the e-mails sent to its address about it are deleted, and every tenant
// it was routed to is told to delete its copy (a FeedbackErasure on its
// inbox). A failure after the key is gone leaves the rest to the next
// Erase: the retention job erases every submission whose key is gone.
func (s *Store) Erase(ctx context.Context, id string) (time.Time, error) {
	var sealed []byte
	var code string
	err := s.cfg.Pool.QueryRow(ctx, `SELECT contact, tracking_code FROM feedback WHERE id = $1`, id).Scan(&sealed, &code)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, dbErr("erase", err)
	}
	email, err := s.email(ctx, id, sealed)
	if err != nil {
		return time.Time{}, dbErr("erase", err)
	}
	if _, err := s.cfg.Keys.Destroy(ctx, id); err != nil {
		return time.Time{}, dbErr("erase: destroy the data key", err)
	}
	var erasedAt time.Time
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		var held *time.Time
		var current string
		var tenants []string
		var from *string
		err := tx.QueryRow(ctx, `SELECT erased_at, tenant_id, routed_to, forwarded_from FROM feedback WHERE id = $1 FOR UPDATE`, id).
			Scan(&held, &current, &tenants, &from)
		if err != nil {
			return err
		}
		if held != nil {
			erasedAt = *held
			return nil
		}
		tenants = append(tenants, current)
		if from != nil {
			tenants = append(tenants, *from)
		}
		slices.Sort(tenants)
		tenants = slices.Compact(tenants)
		erasedAt = s.cfg.Now()
		if _, err := tx.Exec(ctx, `UPDATE feedback SET question = '', erased_at = $2, erase_token_hash = NULL, erase_token_expires = NULL,
			info_request = NULL WHERE id = $1`, id, erasedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM feedback_replies WHERE feedback_id = $1`, id); err != nil {
			return err
		}
		// Unreadable already (sealed under the destroyed key); the rows go too.
		if _, err := tx.Exec(ctx, `DELETE FROM feedback_attachments WHERE feedback_id = $1`, id); err != nil {
			return err
		}
		if email != "" {
			if _, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE recipient = $1 AND purpose LIKE 'feedback.%'
				AND (sent_at IS NOT NULL OR failed_at IS NOT NULL OR strpos(text_body, $2) > 0)`,
				email, feedbackrules.FormatCode(code)); err != nil {
				return err
			}
		}
		for _, t := range tenants {
			msgID := "feedback/" + id + "/erased/" + t
			payload, err := proto.Marshal(&pb.FeedbackErasure{EventId: msgID, Id: id, Tenant: t, ErasedAt: timestamppb.New(erasedAt)})
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
				events.InboxSubject(t, "erasure", id), msgID, payload); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, dbErr("erase", err)
	}
	return erasedAt, nil
}

// EraseShredded erases every submission whose data key is gone but which
// is not erased yet: those whose retention period ended (the shredder
// destroyed their keys) and any whose Erase stopped half-way. It returns
// how many it erased.
func (s *Store) EraseShredded(ctx context.Context) (int, error) {
	rows, err := s.cfg.Pool.Query(ctx, `SELECT id FROM feedback f WHERE erased_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM personal_data_keys k WHERE k.submission_id = f.id) LIMIT 1000`)
	if err != nil {
		return 0, dbErr("find shredded submissions", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, dbErr("find shredded submissions", err)
	}
	for i, id := range ids {
		if _, err := s.Erase(ctx, id); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// RunRetention is the retention job of citizens' submissions: at each time
// ticks delivers it destroys the data keys past their retention period
// (personaldata's Shred, subscriptions' keys among them) and erases what
// they protected (EraseShredded), until ctx ends. It logs counts, never
// ids; a failure is retried at the next tick.
func (s *Store) RunRetention(ctx context.Context, ticks <-chan time.Time, log zerolog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticks:
			n, err := s.cfg.Keys.Shred(ctx, now)
			if err == nil {
				var erased int
				erased, err = s.EraseShredded(ctx)
				if erased > 0 {
					log.Info().Int("submissions", erased).Msg("personal data retention: submissions erased")
				}
			}
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error().Err(err).Msg("personal data retention failed; retrying at the next run")
			case n > 0:
				log.Info().Int64("data_keys", n).Msg("personal data retention: expired data keys destroyed")
			}
		}
	}
}

// erasureTexts carry the confirmation link: subject, and body with the
// tracking code and the link.
var erasureTexts = map[string]struct{ subject, body string }{
	"vi": {"Xác nhận xóa dữ liệu cá nhân của câu hỏi %s",
		"Cổng thông tin điện tử tỉnh Khánh Hòa nhận được yêu cầu xóa dữ liệu cá nhân của câu hỏi có mã %s.\n\n" +
			"Để xóa, hãy mở liên kết sau (có hiệu lực 24 giờ) và bấm nút xác nhận:\n%s\n\n" +
			"Họ tên, thư điện tử, số điện thoại và nội dung câu hỏi sẽ bị xóa, ở Cổng và ở cơ quan đã nhận câu hỏi; không khôi phục được. " +
			"Câu trả lời (nếu có) vẫn xem được bằng mã theo dõi.\n\n" +
			"Nếu bạn không yêu cầu, hãy bỏ qua thư này: không có gì bị xóa.\nĐây là thư tự động; vui lòng không trả lời thư này."},
	"en": {"Confirm the deletion of the personal data of question %s",
		"The Khanh Hoa Provincial Portal was asked to delete the personal data of the question with code %s.\n\n" +
			"To delete it, open this link (valid for 24 hours) and press the confirmation button:\n%s\n\n" +
			"Your name, e-mail address, phone number and the text of your question will be deleted, at the portal and at the agency that received it; this cannot be undone. " +
			"The answer, if any, can still be read with the tracking code.\n\n" +
			"If you did not ask for this, ignore this message: nothing is deleted.\nThis message was sent automatically; please do not reply to it."},
	"ru": {"Подтвердите удаление персональных данных вопроса %s",
		"Портал провинции Кханьхоа получил запрос на удаление персональных данных вопроса с кодом %s.\n\n" +
			"Чтобы удалить их, откройте ссылку (действует 24 часа) и нажмите кнопку подтверждения:\n%s\n\n" +
			"Ваше имя, адрес электронной почты, номер телефона и текст вопроса будут удалены на портале и в органе, получившем вопрос; восстановить их нельзя. " +
			"Ответ, если он есть, по-прежнему доступен по коду отслеживания.\n\n" +
			"Если вы не отправляли запрос, просто проигнорируйте это письмо: ничего не будет удалено.\nЭто автоматическое сообщение; пожалуйста, не отвечайте на него."},
}

// erasureLink is the e-mail that carries the confirmation link of the
// question with code to to, in lang.
func erasureLink(lang, to, code, siteURL, token string) mailout.Message {
	t := erasureTexts[lang]
	shown := feedbackrules.FormatCode(code)
	link := fmt.Sprintf("%s/%s/feedback/delete/confirm?t=%s", strings.TrimSuffix(siteURL, "/"), lang, token)
	return mailout.Message{To: to, Subject: fmt.Sprintf(t.subject, shown), Text: fmt.Sprintf(t.body, shown, link),
		Purpose: "feedback.erasure"}
}
