//! Password protection of a finished PDF: AES-256 with the standard
//! security handler of revision 6 (ISO 32000-2, 7.6.4; Adobe's extension
//! level 8 to PDF 1.7), the only kind handbill writes.
//!
//! The file is rewritten object by object ([`super::objects`]), like the
//! PDF/X step: every string and every stream is encrypted with the file key
//! (AES-256-CBC, a 16-byte IV in front, PKCS#7 padding), the
//! `/Encrypt` dictionary goes into the trailer, and the catalog names the
//! extension. The trailer (with the document `/ID`) and the `/Encrypt`
//! dictionary itself stay as they are, as the standard says.
//!
//! Metadata is encrypted too (`EncryptMetadata` is left at its default,
//! true): the XMP packet holds the title and language, which for a
//! delegation's pack are as confidential as the pages; Info's strings are
//! encrypted in any case, and the two should not tell different stories.
//! PDF/UA-1 asks that assistive technology may read the text, which the
//! permissions grant once the file is opened.
//!
//! Nothing comes from the clock or a random source: the file key, the owner
//! password, every salt and every IV are derived with HKDF-SHA-256 from the
//! user password, a secret of the project and the copy's name ([`Keys`]), so
//! the same password gives the same bytes, and knowing the file's public
//! `/ID` helps nobody.

use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockCipherEncrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::objects::{Dict, Object, PdfFile, Value, array, dictionary, integer, name, reference};

/// What a reader may do with the opened file: print (at full quality) and
/// extract text for accessibility; not change it, fill or annotate it,
/// assemble pages or copy its text for other uses. Bits 1–2 are 0, bits 7–8
/// and 13–32 are 1, as revision 6 asks (ISO 32000-2, table 22).
pub const PERMISSIONS: u32 = 0xFFFF_F000 // bits 13–32
    | 1 << 2 // bit 3: print
    | 0b11 << 6 // bits 7–8: reserved, 1
    | 1 << 9 // bit 10: extract for accessibility
    | 1 << 11; // bit 12: print at full quality

/// The keys and salts of one encrypted copy, all derived from its user
/// password.
pub struct Keys {
    /// The user password after SASLprep, as UTF-8, at most 127 bytes.
    user: Vec<u8>,
    owner: Vec<u8>,
    file_key: [u8; 32],
    user_validation_salt: [u8; 8],
    user_key_salt: [u8; 8],
    owner_validation_salt: [u8; 8],
    owner_key_salt: [u8; 8],
    perms_filler: [u8; 4],
    /// Where every IV comes from, with the object's number and the string's
    /// place in it.
    ivs: Hkdf<Sha256>,
}

/// What every derivation's `info` starts with: handbill's, this version's.
const INFO: &[u8] = b"handbill pdf encryption v1\0";

impl Keys {
    /// The keys for the copy named `copy` (e.g. `pack-ana-ruiz`), from its
    /// user password and the project's secret. Fails for a password that
    /// SASLprep refuses (e.g. one with control characters).
    pub fn derive(password: &str, secret: &[u8], copy: &str) -> Result<Keys, String> {
        let user = prepare_password(password)?;
        let (_, hkdf) = Hkdf::<Sha256>::extract(Some(secret), &user);
        let derive = |what: &str, out: &mut [u8]| {
            let info = [INFO, copy.as_bytes(), b"\0", what.as_bytes()].concat();
            // Lengths here are far under HKDF's limit of 255 hashes.
            hkdf.expand(&info, out)
                .expect("HKDF gives up to 8160 bytes");
        };
        let mut owner = [0u8; 24];
        derive("owner password", &mut owner);
        let mut keys = Keys {
            user,
            // Hex: a password of plain characters, which SASLprep keeps.
            owner: owner
                .iter()
                .flat_map(|b| format!("{b:02x}").into_bytes())
                .collect(),
            file_key: [0; 32],
            user_validation_salt: [0; 8],
            user_key_salt: [0; 8],
            owner_validation_salt: [0; 8],
            owner_key_salt: [0; 8],
            perms_filler: [0; 4],
            ivs: hkdf.clone(),
        };
        derive("file key", &mut keys.file_key);
        derive("user validation salt", &mut keys.user_validation_salt);
        derive("user key salt", &mut keys.user_key_salt);
        derive("owner validation salt", &mut keys.owner_validation_salt);
        derive("owner key salt", &mut keys.owner_key_salt);
        derive("perms", &mut keys.perms_filler);
        let mut iv_key = [0u8; 32];
        derive("iv", &mut iv_key);
        keys.ivs = Hkdf::<Sha256>::from_prk(&iv_key).expect("32 bytes is a SHA-256 key");
        Ok(keys)
    }

    /// The IV of the `index`-th string or stream of object `number`.
    fn iv(&self, number: u32, index: u32) -> [u8; 16] {
        let mut iv = [0u8; 16];
        let info = [&number.to_be_bytes()[..], &index.to_be_bytes()].concat();
        self.ivs
            .expand(&info, &mut iv)
            .expect("16 bytes is within HKDF's limit");
        iv
    }

    /// `data` encrypted for object `number`: IV, then AES-256-CBC.
    fn seal(&self, number: u32, index: u32, data: &[u8]) -> Vec<u8> {
        let iv = self.iv(number, index);
        let sealed = cbc::Encryptor::<aes::Aes256>::new(&self.file_key.into(), &iv.into())
            .encrypt_padded_vec::<Pkcs7>(data);
        [&iv[..], &sealed].concat()
    }

    /// The `/Encrypt` dictionary (algorithms 8, 9 and 10 of ISO 32000-2).
    fn dictionary(&self) -> Dict<'static> {
        let u = [
            &hash(&self.user, &self.user_validation_salt, &[])[..],
            &self.user_validation_salt,
            &self.user_key_salt,
        ]
        .concat();
        let ue = wrap_key(&hash(&self.user, &self.user_key_salt, &[]), &self.file_key);
        let o = [
            &hash(&self.owner, &self.owner_validation_salt, &u)[..],
            &self.owner_validation_salt,
            &self.owner_key_salt,
        ]
        .concat();
        let oe = wrap_key(&hash(&self.owner, &self.owner_key_salt, &u), &self.file_key);
        let mut perms = [0u8; 16];
        perms[..4].copy_from_slice(&PERMISSIONS.to_le_bytes());
        perms[4..8].copy_from_slice(&[0xFF; 4]);
        perms[8..12].copy_from_slice(b"Tadb");
        perms[12..].copy_from_slice(&self.perms_filler);
        let mut block = perms.into();
        aes::Aes256::new(&self.file_key.into()).encrypt_block(&mut block);

        let mut crypt_filter = Dict::new();
        crypt_filter.set(b"Type", name(b"CryptFilter"));
        crypt_filter.set(b"CFM", name(b"AESV3"));
        crypt_filter.set(b"AuthEvent", name(b"DocOpen"));
        crypt_filter.set(b"Length", integer(32));
        let mut filters = Dict::new();
        filters.set(b"StdCF", dictionary(&crypt_filter));
        let mut dict = Dict::new();
        dict.set(b"Filter", name(b"Standard"));
        dict.set(b"V", integer(5));
        dict.set(b"R", integer(6));
        dict.set(b"Length", integer(256));
        dict.set(b"CF", dictionary(&filters));
        dict.set(b"StmF", name(b"StdCF"));
        dict.set(b"StrF", name(b"StdCF"));
        dict.set(b"O", hex_string(&o));
        dict.set(b"U", hex_string(&u));
        dict.set(b"OE", hex_string(&oe));
        dict.set(b"UE", hex_string(&ue));
        dict.set(b"P", integer(i64::from(PERMISSIONS as i32)));
        dict.set(b"Perms", hex_string(&block));
        dict
    }
}

/// A password as revision 6 takes it: SASLprep (RFC 4013), UTF-8, cut to
/// 127 bytes.
fn prepare_password(password: &str) -> Result<Vec<u8>, String> {
    let prepared = stringprep::saslprep(password)
        .map_err(|_| "the password has characters a PDF password may not hold (control or unassigned characters)".to_string())?;
    let mut bytes = prepared.as_bytes().to_vec();
    bytes.truncate(127);
    Ok(bytes)
}

/// Algorithm 2.B of ISO 32000-2: the hash of a password with a salt (and,
/// for the owner, the 48 bytes of `/U`).
fn hash(password: &[u8], salt: &[u8], udata: &[u8]) -> [u8; 32] {
    let mut k: Vec<u8> = Sha256::digest([password, salt, udata].concat()).to_vec();
    let mut round = 0u32;
    loop {
        let one = [password, &k, udata].concat();
        let k1 = one.repeat(64);
        let key: [u8; 16] = k[..16].try_into().expect("K holds at least 32 bytes");
        let iv: [u8; 16] = k[16..32].try_into().expect("K holds at least 32 bytes");
        let e = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &iv.into())
            .encrypt_padded_vec::<NoPadding>(&k1);
        // The first 16 bytes of E as a number, modulo 3: the sum of the
        // bytes modulo 3 is the same, as 256 ≡ 1 (mod 3).
        let which = e[..16].iter().map(|&b| u32::from(b)).sum::<u32>() % 3;
        k = match which {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        round += 1;
        let last = u32::from(*e.last().expect("E is 64 blocks long"));
        if round >= 64 && last <= round - 32 {
            break;
        }
    }
    k[..32]
        .try_into()
        .expect("every hash gives at least 32 bytes")
}

/// The file key encrypted with a key from [`hash`]: AES-256, no padding,
/// a zero IV (`/UE`, `/OE`).
fn wrap_key(key: &[u8; 32], file_key: &[u8; 32]) -> Vec<u8> {
    cbc::Encryptor::<aes::Aes256>::new(&(*key).into(), &[0u8; 16].into())
        .encrypt_padded_vec::<NoPadding>(file_key)
}

fn hex_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2 + 2);
    out.push(b'<');
    for b in bytes {
        out.extend_from_slice(format!("{b:02x}").as_bytes());
    }
    out.push(b'>');
    out
}

/// Says whether `password` opens `pdf` as its user password (algorithm 11):
/// how a rebuild notices that a recipient's password changed, without
/// keeping the password anywhere else. A file that is not encrypted, or not
/// as handbill encrypts, does not open.
pub fn opens(pdf: &[u8], password: &str) -> bool {
    let Ok(doc) = PdfFile::read(pdf) else {
        return false;
    };
    let Some(encrypt) = doc.trailer.get(b"Encrypt").and_then(|e| doc.resolve(e)) else {
        return false;
    };
    let Value::Dict(encrypt) = encrypt else {
        return false;
    };
    let (Some(Value::String(u)), Ok(user)) = (encrypt.get(b"U"), prepare_password(password)) else {
        return false;
    };
    if encrypt.get(b"R").and_then(|r| r.as_integer()) != Some(6) || u.len() < 48 {
        return false;
    }
    hash(&user, &u[32..40], &[])[..] == u[..32]
}

/// Encrypts `pdf` with `keys`: every string and stream, the `/Encrypt`
/// dictionary in the trailer, the extension in the catalog, PDF 1.7 in the
/// header.
pub fn encrypt(pdf: &[u8], keys: &Keys) -> Result<Vec<u8>, String> {
    let mut doc = PdfFile::read(pdf).map_err(|e| format!("the PDF could not be read: {e}"))?;
    if doc.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted already".into());
    }
    if !doc.trailer.has(b"ID") {
        return Err("the PDF has no document /ID, which an encrypted file needs".into());
    }
    for (number, object) in doc.objects_mut() {
        let mut index = 0;
        if object.as_dict().is_none() {
            // krilla writes strings only in dictionaries; a bare string or
            // array holding one would otherwise go out unencrypted.
            let mut strings = false;
            if let Some(value) = object.value() {
                visit_strings(&value, &mut |_| strings = true);
            }
            if strings {
                return Err(format!(
                    "object {number} holds a string outside a dictionary, which cannot be encrypted here"
                ));
            }
            continue;
        }
        if let Some(data) = object.stream_data() {
            let sealed = keys.seal(number, index, data);
            index += 1;
            object.set_stream_data(sealed);
        }
        let dict = object.as_dict_mut().expect("checked above");
        let keys_with_strings: Vec<Vec<u8>> = dict
            .entries()
            .filter(|(_, raw)| raw.iter().any(|&b| b == b'(' || b == b'<'))
            .map(|(key, _)| key.to_vec())
            .collect();
        for key in keys_with_strings {
            let Some(value) = dict.get(&key) else {
                continue;
            };
            let mut has_string = false;
            visit_strings(&value, &mut |_| has_string = true);
            if has_string {
                let raw = write_sealed(&value, &mut |s| {
                    let sealed = keys.seal(number, index, s);
                    index += 1;
                    sealed
                });
                dict.set(&key, raw);
            }
        }
    }
    let catalog = doc
        .trailer
        .get(b"Root")
        .and_then(|r| r.as_reference())
        .ok_or("the PDF has no catalog")?;
    let catalog = doc
        .get_mut(catalog)
        .and_then(Object::as_dict_mut)
        .ok_or("the PDF has no catalog")?;
    let mut adbe = Dict::new();
    adbe.set(b"BaseVersion", name(b"1.7"));
    adbe.set(b"ExtensionLevel", integer(8));
    let mut extensions = Dict::new();
    extensions.set(b"ADBE", dictionary(&adbe));
    catalog.set(b"Extensions", dictionary(&extensions));
    if doc.version.as_str() < "1.7" {
        doc.version = "1.7".into();
    }
    let number = doc.add(Object::dict(keys.dictionary()));
    doc.trailer.set(b"Encrypt", reference(number));
    let mut out = Vec::with_capacity(pdf.len() + pdf.len() / 8);
    doc.write(&mut out);
    Ok(out)
}

/// Calls `found` with every string in `value`, however deep.
fn visit_strings(value: &Value, found: &mut dyn FnMut(&[u8])) {
    match value {
        Value::String(s) => found(s),
        Value::Array(items) => items.iter().for_each(|i| visit_strings(i, found)),
        Value::Dict(dict) => dict.values().for_each(|v| visit_strings(&v, found)),
        _ => {}
    }
}

/// The bytes of `value` with each string replaced by `seal` of it, as a
/// hex string.
fn write_sealed(value: &Value, seal: &mut dyn FnMut(&[u8]) -> Vec<u8>) -> Vec<u8> {
    match value {
        Value::String(s) => hex_string(&seal(s)),
        Value::Array(items) => {
            let items: Vec<Vec<u8>> = items.iter().map(|i| write_sealed(i, seal)).collect();
            array(&items)
        }
        Value::Dict(dict) => {
            let mut out = Dict::new();
            for (key, raw) in dict.entries() {
                // Values without strings keep their bytes as written.
                let mut strings = false;
                let value = dict.get(key);
                if let Some(v) = &value {
                    visit_strings(v, &mut |_| strings = true);
                }
                match value {
                    Some(v) if strings => out.set(key, write_sealed(&v, seal)),
                    _ => out.set(key, raw.to_vec()),
                }
            }
            dictionary(&out)
        }
        Value::Null => b"null".to_vec(),
        Value::Bool(b) => {
            if *b {
                b"true".to_vec()
            } else {
                b"false".to_vec()
            }
        }
        Value::Integer(n) => integer(*n),
        Value::Real(r) => format!("{r}").into_bytes(),
        Value::Name(n) => name(n),
        Value::Reference(n) => reference(*n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF with a string in its Info and a content stream.
    fn small_pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>".to_string(),
            "<< /Length 17 >>\nstream\nBT /F1 12 Tf ET\n\nendstream".to_string(),
            "<< /Title (Secret pack) /Author <FEFF0416> >>".to_string(),
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R /ID [<01> <02>] >>\nstartxref\n{xref}\n%%EOF\n"
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn the_same_password_gives_the_same_bytes_and_another_does_not() {
        let pdf = small_pdf();
        let secret = [7u8; 32];
        let lock = |password: &str, copy: &str| {
            encrypt(&pdf, &Keys::derive(password, &secret, copy).unwrap()).unwrap()
        };
        let a = lock("correct horse", "pack-ana");
        assert_eq!(a, lock("correct horse", "pack-ana"));
        assert_ne!(a, lock("correct horse", "pack-jo"), "each copy its own key");
        assert_ne!(a, lock("battery staple", "pack-ana"));
        let other_secret = encrypt(
            &pdf,
            &Keys::derive("correct horse", &[8; 32], "pack-ana").unwrap(),
        )
        .unwrap();
        assert_ne!(a, other_secret, "the project's secret is part of the keys");
        for plain in [&b"Secret pack"[..], b"BT /F1 12 Tf ET"] {
            assert!(
                !a.windows(plain.len()).any(|w| w == plain),
                "{plain:?} is encrypted"
            );
        }
    }

    #[test]
    fn only_the_user_password_opens_the_file() {
        let pdf = small_pdf();
        let keys = Keys::derive("пароль Жанны", &[1; 32], "pack").unwrap();
        let locked = encrypt(&pdf, &keys).unwrap();
        assert!(opens(&locked, "пароль Жанны"));
        // SASLprep maps a no-break space to a space: the same password.
        assert!(opens(&locked, "пароль\u{a0}Жанны"));
        assert!(!opens(&locked, "пароль жанны"));
        assert!(!opens(&locked, ""));
        assert!(
            !opens(&pdf, "пароль Жанны"),
            "an unencrypted file opens with none"
        );
        assert!(encrypt(&locked, &keys).is_err(), "not encrypted twice");
    }

    #[test]
    fn qpdf_takes_the_derived_owner_password_and_the_perms_check() {
        let keys = Keys::derive("correct horse", &[3; 32], "pack").unwrap();
        let locked = encrypt(&small_pdf(), &keys).unwrap();
        let file = std::env::temp_dir().join(format!("handbill-owner-{}.pdf", std::process::id()));
        std::fs::write(&file, &locked).unwrap();
        let owner = String::from_utf8(keys.owner.clone()).unwrap();
        let out = std::process::Command::new("qpdf")
            .args(["--show-encryption", &format!("--password={owner}")])
            .arg(&file)
            .output()
            .expect("qpdf runs");
        let _ = std::fs::remove_file(&file);
        let report = String::from_utf8_lossy(&out.stdout);
        // Exit 0 and no warning on stderr: /O, /OE and /Perms agree.
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{report}{:?}",
            out.stderr
        );
        assert!(
            report.contains("Supplied password is owner password"),
            "{report}"
        );
    }

    #[test]
    fn permissions_are_print_and_accessibility_only() {
        let p = PERMISSIONS as i32;
        assert_eq!(p, -1340);
        for (bit, allowed) in [
            (3, true),
            (4, false),
            (5, false),
            (6, false),
            (9, false),
            (10, true),
            (11, false),
            (12, true),
        ] {
            assert_eq!(PERMISSIONS & 1 << (bit - 1) != 0, allowed, "bit {bit}");
        }
    }

    #[test]
    fn passwords_saslprep_refuses_are_errors() {
        assert!(Keys::derive("bell\u{7}", &[0; 32], "x").is_err());
        assert!(Keys::derive("correct horse", &[0; 32], "x").is_ok());
    }
}
