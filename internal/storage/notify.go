package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"wuxing/internal/authz"
)

// notifyUser puts a notification in a user's in-app inbox, in the same transaction as the
// change it reports. key is a catalogue key; args are its arguments (text, never phone numbers).
func (t *Tx) notifyUser(ctx context.Context, userID int64, kind string, caseID int64, key string, args ...any) error {
	b, err := json.Marshal(args)
	if err != nil {
		return err
	}
	link := ""
	if caseID != 0 {
		link = "/cases/" + strconv.FormatInt(caseID, 10)
	}
	id, err := t.insert(ctx, "INSERT INTO notifications (user_id, kind, case_id, message, args, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		userID, kind, nullID(caseID), key, string(b), link, t.db.clock.Now())
	if err != nil {
		return fmt.Errorf("storage: notify: %w", err)
	}
	// A case's unit may post its news to a group chat too (webhooks.go).
	return t.queueWebhooks(ctx, id, userID, caseID, key, string(b), link)
}

// notifyPerson notifies the accounts linked to a person.
func (t *Tx) notifyPerson(ctx context.Context, personID int64, kind string, caseID int64, key string, args ...any) error {
	ids, err := t.idSet(ctx, "SELECT id FROM users WHERE person_id = ? AND active = ?", personID, true)
	if err != nil {
		return err
	}
	for id := range ids {
		if err := t.notifyUser(ctx, id, kind, caseID, key, args...); err != nil {
			return err
		}
	}
	return nil
}

// notifyRole notifies the active accounts holding role bound exactly at the unit with path
// (for example the branch secretary of a community, or the staff of a department).
func (t *Tx) notifyRole(ctx context.Context, role authz.Role, unitPath string, kind string, caseID int64, key string, args ...any) error {
	ids, err := t.idSet(ctx, `SELECT u.id FROM users u JOIN role_bindings b ON b.user_id = u.id JOIN units un ON un.id = b.unit_id
		WHERE b.role = ? AND un.path = ? AND u.active = ?`, string(role), unitPath, true)
	if err != nil {
		return err
	}
	for id := range ids {
		if err := t.notifyUser(ctx, id, kind, caseID, key, args...); err != nil {
			return err
		}
	}
	return nil
}
