//! Hand-written variants of the hottest generated response types, used only to measure what a
//! generator change would gain. Each mirrors the generated struct field for field (same names, same
//! generated field types for everything not mirrored here, lenient strings, every field optional):
//!
//! - [`no_flatten`]: plain `serde` derive without the flattened `additional_properties` map;
//!   undeclared members are skipped (the lower bound: what flatten costs).
//! - [`catch_all`]: a hand-written map visitor, the shape a generator could emit instead of
//!   `#[serde(flatten)]`: one `match` on the member name, undeclared members go straight into
//!   `additional_properties` as `serde_json::Value` (nothing is dropped, no `Content` buffering).
//!
//! Plus [`AttrValueAny`], a `deserialize_any` visitor for the untagged union
//! `TicketCustomAttributesValue` (string | number | boolean | array | file object | null).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;

use intercom_api::v2_11::models;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A lenient string (`string`, or a number or boolean kept as its text), like the generated
/// `deserialize_with = "crate::codec::opt_string"` fields.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LStr(pub String);

impl<'de> Deserialize<'de> for LStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        intercom_api::codec::string(deserializer).map(LStr)
    }
}

/// Defines structs from one field list, either as a plain derive (`derive`) or with a catch-all map
/// visitor (`catch_all`).
macro_rules! structs {
    ($kind:ident; $( $name:ident { $($field:ident : $ty:ty = $key:literal),* $(,)? } )*) => {
        $( structs!(@one $kind $name { $($field : $ty = $key),* }); )*
    };
    (@one derive $name:ident { $($field:ident : $ty:ty = $key:literal),* }) => {
        #[derive(Debug, Default, serde::Deserialize)]
        pub struct $name {
            $(
                #[serde(rename = $key, default)]
                pub $field: Option<$ty>,
            )*
        }
    };
    (@one catch_all $name:ident { $($field:ident : $ty:ty = $key:literal),* }) => {
        #[derive(Debug, Default)]
        pub struct $name {
            $( pub $field: Option<$ty>, )*
            pub additional_properties: BTreeMap<String, Value>,
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                enum Field {
                    $( $field, )*
                    Other(String),
                }
                struct FieldVisitor;
                impl Visitor<'_> for FieldVisitor {
                    type Value = Field;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a member name")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                        Ok(match v {
                            $( $key => Field::$field, )*
                            other => Field::Other(other.to_owned()),
                        })
                    }
                }
                impl<'de> Deserialize<'de> for Field {
                    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        d.deserialize_identifier(FieldVisitor)
                    }
                }
                struct StructVisitor;
                impl<'de> Visitor<'de> for StructVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(key) = map.next_key::<Field>()? {
                            match key {
                                $( Field::$field => out.$field = map.next_value()?, )*
                                Field::Other(name) => {
                                    let value: Value = map.next_value()?;
                                    out.additional_properties.insert(name, value);
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(StructVisitor)
            }
        }
    };
}

/// The field lists: the generated structs of the three decode bodies, minus their
/// `additional_properties`. Types mirrored here are named bare; the others are the generated ones.
macro_rules! hot_types {
    ($kind:ident) => {
        structs!($kind;
            Conversation {
                admin_assignee_id: i64 = "admin_assignee_id",
                ai_agent: models::AiAgent = "ai_agent",
                ai_agent_participated: bool = "ai_agent_participated",
                contacts: models::ConversationContacts = "contacts",
                conversation_parts: ConversationParts = "conversation_parts",
                conversation_rating: models::ConversationRating = "conversation_rating",
                created_at: i64 = "created_at",
                custom_attributes: models::CustomAttributes = "custom_attributes",
                first_contact_reply: models::ConversationFirstContactReply = "first_contact_reply",
                id: LStr = "id",
                linked_objects: models::LinkedObjectList = "linked_objects",
                open: bool = "open",
                priority: models::ConversationPriority = "priority",
                read: bool = "read",
                sla_applied: models::SlaApplied = "sla_applied",
                snoozed_until: i64 = "snoozed_until",
                source: ConversationSource = "source",
                state: models::ConversationState = "state",
                statistics: models::ConversationStatistics = "statistics",
                tags: models::Tags = "tags",
                team_assignee_id: i64 = "team_assignee_id",
                teammates: models::ConversationTeammates = "teammates",
                title: LStr = "title",
                type_: models::ConversationType = "type",
                updated_at: i64 = "updated_at",
                waiting_since: i64 = "waiting_since",
            }
            ConversationParts {
                conversation_parts: Vec<ConversationPart> = "conversation_parts",
                total_count: i64 = "total_count",
                type_: models::ConversationPartsType = "type",
            }
            ConversationPart {
                assigned_to: Reference = "assigned_to",
                attachments: Vec<PartAttachment> = "attachments",
                author: ConversationPartAuthor = "author",
                body: LStr = "body",
                created_at: i64 = "created_at",
                external_id: LStr = "external_id",
                id: LStr = "id",
                notified_at: i64 = "notified_at",
                part_type: LStr = "part_type",
                redacted: bool = "redacted",
                type_: models::ConversationPartType = "type",
                updated_at: i64 = "updated_at",
            }
            ConversationPartAuthor {
                email: LStr = "email",
                id: LStr = "id",
                name: LStr = "name",
                type_: LStr = "type",
            }
            Reference {
                id: LStr = "id",
                type_: LStr = "type",
            }
            PartAttachment {
                content_type: LStr = "content_type",
                filesize: i64 = "filesize",
                height: i64 = "height",
                name: LStr = "name",
                type_: LStr = "type",
                url: LStr = "url",
                width: i64 = "width",
            }
            ConversationSource {
                attachments: Vec<PartAttachment> = "attachments",
                author: ConversationPartAuthor = "author",
                body: LStr = "body",
                delivered_as: LStr = "delivered_as",
                id: LStr = "id",
                redacted: bool = "redacted",
                subject: LStr = "subject",
                type_: models::ConversationSourceType = "type",
                url: LStr = "url",
            }
            PaginatedConversationResponse {
                conversations: Vec<ConversationListItem> = "conversations",
                pages: CursorPages = "pages",
                total_count: i64 = "total_count",
                type_: models::PaginatedConversationResponseType = "type",
            }
            ConversationListItem {
                admin_assignee_id: i64 = "admin_assignee_id",
                ai_agent: models::AiAgent = "ai_agent",
                ai_agent_participated: bool = "ai_agent_participated",
                contacts: models::ConversationContacts = "contacts",
                conversation_rating: models::ConversationRating = "conversation_rating",
                created_at: i64 = "created_at",
                custom_attributes: models::CustomAttributes = "custom_attributes",
                first_contact_reply: models::ConversationFirstContactReply = "first_contact_reply",
                id: LStr = "id",
                linked_objects: models::LinkedObjectList = "linked_objects",
                open: bool = "open",
                priority: models::ConversationListItemPriority = "priority",
                read: bool = "read",
                sla_applied: models::SlaApplied = "sla_applied",
                snoozed_until: i64 = "snoozed_until",
                source: ConversationSource = "source",
                state: models::ConversationListItemState = "state",
                statistics: models::ConversationStatistics = "statistics",
                tags: models::Tags = "tags",
                team_assignee_id: i64 = "team_assignee_id",
                teammates: models::ConversationTeammates = "teammates",
                title: LStr = "title",
                type_: models::ConversationListItemType = "type",
                updated_at: i64 = "updated_at",
                waiting_since: i64 = "waiting_since",
            }
            CursorPages {
                next: models::StartingAfterPaging = "next",
                page: i64 = "page",
                per_page: i64 = "per_page",
                total_pages: i64 = "total_pages",
                type_: models::CursorPagesType = "type",
            }
            ContactList {
                data: Vec<Contact> = "data",
                pages: CursorPages = "pages",
                total_count: i64 = "total_count",
                type_: models::ContactListType = "type",
            }
            Contact {
                android_app_name: LStr = "android_app_name",
                android_app_version: LStr = "android_app_version",
                android_device: LStr = "android_device",
                android_last_seen_at: i64 = "android_last_seen_at",
                android_os_version: LStr = "android_os_version",
                android_sdk_version: LStr = "android_sdk_version",
                avatar: ContactAvatar = "avatar",
                browser: LStr = "browser",
                browser_language: LStr = "browser_language",
                browser_version: LStr = "browser_version",
                companies: ContactCompanies = "companies",
                created_at: i64 = "created_at",
                custom_attributes: serde_json::Map<String, Value> = "custom_attributes",
                email: LStr = "email",
                email_domain: LStr = "email_domain",
                external_id: LStr = "external_id",
                formatted_phone: LStr = "formatted_phone",
                has_hard_bounced: bool = "has_hard_bounced",
                id: LStr = "id",
                ios_app_name: LStr = "ios_app_name",
                ios_app_version: LStr = "ios_app_version",
                ios_device: LStr = "ios_device",
                ios_last_seen_at: i64 = "ios_last_seen_at",
                ios_os_version: LStr = "ios_os_version",
                ios_sdk_version: LStr = "ios_sdk_version",
                language_override: LStr = "language_override",
                last_contacted_at: i64 = "last_contacted_at",
                last_email_clicked_at: i64 = "last_email_clicked_at",
                last_email_opened_at: i64 = "last_email_opened_at",
                last_replied_at: i64 = "last_replied_at",
                last_seen_at: i64 = "last_seen_at",
                location: ContactLocation = "location",
                marked_email_as_spam: bool = "marked_email_as_spam",
                name: LStr = "name",
                notes: ContactNotes = "notes",
                os: LStr = "os",
                owner_id: i64 = "owner_id",
                phone: LStr = "phone",
                role: LStr = "role",
                signed_up_at: i64 = "signed_up_at",
                social_profiles: ContactSocialProfiles = "social_profiles",
                tags: ContactTags = "tags",
                type_: LStr = "type",
                unsubscribed_from_emails: bool = "unsubscribed_from_emails",
                updated_at: i64 = "updated_at",
                workspace_id: LStr = "workspace_id",
            }
            ContactAvatar {
                image_url: LStr = "image_url",
                type_: LStr = "type",
            }
            ContactLocation {
                city: LStr = "city",
                country: LStr = "country",
                region: LStr = "region",
                type_: models::ContactLocationType = "type",
            }
            ContactSocialProfiles {
                data: Vec<models::SocialProfile> = "data",
            }
            ContactTags {
                data: Vec<models::AddressableList> = "data",
                has_more: bool = "has_more",
                total_count: i64 = "total_count",
                url: LStr = "url",
            }
            ContactNotes {
                data: Vec<models::AddressableList> = "data",
                has_more: bool = "has_more",
                total_count: i64 = "total_count",
                url: LStr = "url",
            }
            ContactCompanies {
                data: Vec<models::ContactCompany> = "data",
                has_more: bool = "has_more",
                total_count: i64 = "total_count",
                type_: models::ContactCompaniesType = "type",
                url: LStr = "url",
            }
        );
    };
}

/// Plain derive, no flatten: undeclared members are skipped.
pub mod no_flatten {
    use super::{LStr, Value, models};
    hot_types!(derive);
}

/// Catch-all map visitor: undeclared members kept, no flatten.
pub mod catch_all {
    use super::models;
    use super::{BTreeMap, Deserialize, Deserializer, LStr, MapAccess, Value, Visitor, de, fmt};
    hot_types!(catch_all);
}

/// `TicketCustomAttributesValue` decoded by one `deserialize_any` visitor that dispatches on the
/// JSON type (instead of `#[serde(untagged)]`, which buffers every value into serde's private
/// `Content` and then tries each variant in turn).
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValueAny {
    String(String),
    Number(f64),
    Boolean(bool),
    Array(Vec<Value>),
    FileAttribute(models::FileAttribute),
    Null,
}

impl<'de> Deserialize<'de> for AttrValueAny {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = AttrValueAny;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean, array, file object or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::String(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::Number(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::Boolean(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AttrValueAny, E> {
                Ok(AttrValueAny::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<AttrValueAny, A::Error> {
                Vec::<Value>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(AttrValueAny::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AttrValueAny, A::Error> {
                models::FileAttribute::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(AttrValueAny::FileAttribute)
            }
        }
        deserializer.deserialize_any(AnyVisitor)
    }
}
