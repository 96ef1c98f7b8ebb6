//! Tampering with real audit log files: every kind of damage is detected
//! and named with its file, line and sequence number.

use halo_core::audit::{DamageKind, FileSink, verify};

use crate::audit_files::{TempDir, key, read_lines, segments, write_lines, write_log};

/// Twelve events over several segments of about four lines each.
fn log() -> TempDir {
    let dir = TempDir::new("tamper");
    write_log(dir.path(), 12, 1_000);
    assert!(segments(dir.path()).len() >= 3);
    dir
}

fn damage_of(dir: &TempDir) -> (DamageKind, String, usize, Option<u64>) {
    let damage = verify(dir.path(), &key())
        .unwrap()
        .damage
        .expect("damage detected");
    (damage.kind, damage.file, damage.line, damage.seq)
}

fn edit_first_segment(dir: &TempDir, edit: impl FnOnce(&mut Vec<String>)) {
    let path = &segments(dir.path())[0];
    let mut lines = read_lines(path);
    edit(&mut lines);
    write_lines(path, &lines);
}

const FIRST: &str = "segment-00000001.jsonl";

#[test]
fn an_untouched_log_verifies() {
    let dir = log();
    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!(report.entries, 12);
    assert_eq!((report.first_seq, report.last_seq), (Some(1), Some(12)));
    assert_eq!(report.segments, segments(dir.path()).len());
    assert_eq!(report.unanchored, 0);
}

#[test]
fn an_edited_entry_is_named() {
    let dir = log();
    edit_first_segment(&dir, |lines| lines[2] = lines[2].replace("svc-2", "svc-9"));
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Edited, FIRST.into(), 3, Some(2))
    );
}

#[test]
fn a_deleted_entry_is_named() {
    let dir = log();
    edit_first_segment(&dir, |lines| {
        lines.remove(2);
    });
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Deleted, FIRST.into(), 3, Some(2))
    );
}

#[test]
fn a_repeated_entry_is_an_insertion() {
    let dir = log();
    edit_first_segment(&dir, |lines| {
        let copy = lines[2].clone();
        lines.insert(3, copy);
    });
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Inserted, FIRST.into(), 4, Some(3))
    );
}

#[test]
fn a_forged_line_between_intact_entries_is_an_insertion() {
    let dir = log();
    edit_first_segment(&dir, |lines| {
        let forged = lines[2]
            .replace("svc-2", "svc-x")
            .replace("\"seq\":2", "\"seq\":99");
        lines.insert(2, forged);
    });
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Inserted, FIRST.into(), 3, Some(2))
    );
}

#[test]
fn swapped_entries_are_reordered() {
    let dir = log();
    edit_first_segment(&dir, |lines| lines.swap(2, 3));
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Reordered, FIRST.into(), 3, Some(2))
    );
}

#[test]
fn an_entry_moved_to_a_later_segment_is_reordered() {
    let dir = log();
    let files = segments(dir.path());
    let mut first = read_lines(&files[0]);
    let moved = first.remove(1);
    write_lines(&files[0], &first);
    let mut second = read_lines(&files[1]);
    second.push(moved);
    write_lines(&files[1], &second);
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Reordered, FIRST.into(), 2, Some(1))
    );
}

#[test]
fn cutting_the_last_entries_is_truncation() {
    let dir = log();
    let files = segments(dir.path());
    let last = files.last().unwrap();
    let mut lines = read_lines(last);
    lines.pop();
    write_lines(last, &lines);
    let name = last.file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(damage_of(&dir), (DamageKind::Truncated, name, 0, Some(12)));
}

#[test]
fn removing_the_last_segment_is_truncation() {
    let dir = log();
    let files = segments(dir.path());
    std::fs::remove_file(files.last().unwrap()).unwrap();
    let (kind, file, _, _) = damage_of(&dir);
    assert_eq!(kind, DamageKind::Truncated);
    assert_eq!(
        file,
        files[files.len() - 2]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
    );
}

#[test]
fn a_last_line_without_newline_is_torn() {
    let dir = log();
    let files = segments(dir.path());
    let last = files.last().unwrap();
    let text = std::fs::read_to_string(last).unwrap();
    let lines = text.lines().count();
    std::fs::write(last, &text[..text.len() - 40]).unwrap();
    let name = last.file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(
        damage_of(&dir),
        (DamageKind::TornLine, name, lines, Some(12))
    );
}

#[test]
fn a_missing_middle_segment_is_a_deletion() {
    let dir = log();
    std::fs::remove_file(&segments(dir.path())[1]).unwrap();
    let (kind, file, line, _) = damage_of(&dir);
    assert_eq!(
        (kind, file.as_str(), line),
        (DamageKind::Deleted, "segment-00000002.jsonl", 0)
    );
}

#[test]
fn a_missing_segment_header_is_a_deletion() {
    let dir = log();
    let path = &segments(dir.path())[1];
    let mut lines = read_lines(path);
    lines.remove(0);
    write_lines(path, &lines);
    let (kind, file, line, _) = damage_of(&dir);
    assert_eq!(
        (kind, file.as_str(), line),
        (DamageKind::Deleted, "segment-00000002.jsonl", 1)
    );
}

#[test]
fn a_sealed_line_of_another_log_under_the_same_key_is_an_edit() {
    let dir = log();
    let other = TempDir::new("tamper-other");
    write_log(other.path(), 4, 1_000);
    let foreign = read_lines(&segments(other.path())[0])[2].clone();
    edit_first_segment(&dir, |lines| lines[2] = foreign);
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Edited, FIRST.into(), 3, Some(2))
    );
}

#[test]
fn the_head_checkpoint_is_checked() {
    let dir = log();
    let head = dir.file("HEAD.json");
    let text = std::fs::read_to_string(&head).unwrap();
    std::fs::write(&head, text.replace("\"seq\":12", "\"seq\":11")).unwrap();
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Edited, "HEAD.json".into(), 1, None)
    );

    std::fs::remove_file(&head).unwrap();
    assert_eq!(
        damage_of(&dir),
        (DamageKind::Deleted, "HEAD.json".into(), 0, None)
    );
}

#[test]
fn a_wrong_key_fails_at_the_first_line() {
    let dir = log();
    let other = halo_core::audit::ChainKey::generate().unwrap();
    let damage = verify(dir.path(), &other).unwrap().damage.unwrap();
    assert_eq!(
        (damage.kind, damage.file.as_str(), damage.line),
        (DamageKind::Edited, FIRST, 1)
    );
}

#[test]
fn a_broken_log_is_not_continued() {
    let dir = log();
    edit_first_segment(&dir, |lines| lines[2] = lines[2].replace("svc-2", "svc-9"));
    let err = FileSink::builder(dir.path(), key()).open().unwrap_err();
    assert_eq!(err.code(), "audit.chain_broken");
    assert!(
        err.to_string()
            .contains("edited at `segment-00000001.jsonl` line 3"),
        "{err}"
    );
}

#[test]
fn an_empty_directory_is_not_a_log() {
    let dir = TempDir::new("tamper-empty");
    std::fs::create_dir_all(dir.path()).unwrap();
    assert_eq!(
        verify(dir.path(), &key()).unwrap_err().code(),
        "audit.no_log"
    );
}

#[test]
fn entries_after_an_older_head_are_unanchored_and_the_log_continues() {
    let dir = TempDir::new("tamper-unanchored");
    write_log(dir.path(), 5, 1_000);
    let old_head = std::fs::read(dir.file("HEAD.json")).unwrap();
    let log = halo_core::audit::AuditLog::builder()
        .sink(crate::audit_files::small_sink(dir.path(), 1_000))
        .build()
        .unwrap();
    for i in 6..=9 {
        log.record(crate::audit_files::event(i)).unwrap();
    }
    drop(log);
    // As if the process had stopped before the head was replaced.
    std::fs::write(dir.file("HEAD.json"), old_head).unwrap();

    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!((report.last_seq, report.unanchored), (Some(9), 4));
    let log = halo_core::audit::AuditLog::builder()
        .sink(crate::audit_files::small_sink(dir.path(), 1_000))
        .build()
        .unwrap();
    let recorded = log.record(crate::audit_files::event(10)).unwrap();
    assert_eq!(recorded, halo_core::audit::Recorded::Written { seq: 10 });
    assert_eq!(verify(dir.path(), &key()).unwrap().unanchored, 0);
}

/// The documented limit: an attacker who keeps an old copy of the head can
/// cut the log back to it undetected. Only a head kept elsewhere shows it.
#[test]
fn a_replayed_head_hides_truncation_back_to_it() {
    let dir = TempDir::new("tamper-replay");
    write_log(dir.path(), 3, 1 << 20);
    let old_head = std::fs::read(dir.file("HEAD.json")).unwrap();
    let old_segment = std::fs::read(&segments(dir.path())[0]).unwrap();
    let log = halo_core::audit::AuditLog::builder()
        .sink(crate::audit_files::small_sink(dir.path(), 1 << 20))
        .build()
        .unwrap();
    log.record(crate::audit_files::event(4)).unwrap();
    drop(log);

    std::fs::write(&segments(dir.path())[0], old_segment).unwrap();
    std::fs::write(dir.file("HEAD.json"), old_head).unwrap();
    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact());
    assert_eq!(report.last_seq, Some(3));
}
