//! The scaffolder actions portalint knows (ids, inputs, required inputs, outputs), and the
//! workspace's look-ups of an action with the ones the config registers.

use crate::model::Workspace;

/// What portalint knows of a scaffolder action.
pub struct Action {
    /// The action id.
    pub id: &'static str,
    /// Its input keys (`None`: schema not known to portalint, inputs unchecked).
    pub inputs: Option<&'static [&'static str]>,
    /// Inputs it requires.
    pub required: &'static [&'static str],
    /// Its outputs (`None`: not known, outputs unchecked).
    pub outputs: Option<&'static [&'static str]>,
}

const FETCH_TEMPLATE_INPUTS: &[&str] = &[
    "url",
    "targetPath",
    "values",
    "copyWithoutRender",
    "copyWithoutTemplating",
    "cookiecutterCompat",
    "templateFileExtension",
    "replace",
    "trimBlocks",
    "lstripBlocks",
    "token",
];
const PUBLISH_OUTPUTS: &[&str] = &["remoteUrl", "repoContentsUrl", "commitHash"];
const NONE: &[&str] = &[];

const fn known(
    id: &'static str,
    inputs: &'static [&'static str],
    required: &'static [&'static str],
    outputs: &'static [&'static str],
) -> Action {
    Action {
        id,
        inputs: Some(inputs),
        required,
        outputs: Some(outputs),
    }
}

const fn opaque(id: &'static str) -> Action {
    Action {
        id,
        inputs: None,
        required: &[],
        outputs: None,
    }
}

/// The actions of Backstage's scaffolder backend and its common modules (input and output
/// names from their action schemas), plus ids seen in Open Service Portal templates.
pub const ACTIONS: &[Action] = &[
    known("fetch:plain", &["url", "targetPath", "token"], &["url"], NONE),
    known(
        "fetch:plain:file",
        &["url", "targetPath", "token"],
        &["url", "targetPath"],
        NONE,
    ),
    known("fetch:template", FETCH_TEMPLATE_INPUTS, &["url"], NONE),
    known(
        "fetch:template:file",
        &[
            "url",
            "targetPath",
            "values",
            "cookiecutterCompat",
            "replace",
            "trimBlocks",
            "lstripBlocks",
            "token",
        ],
        &["url", "targetPath"],
        NONE,
    ),
    Action {
        id: "publish:github",
        // Its schema is long and grows with every release: only required inputs are checked.
        inputs: None,
        required: &["repoUrl"],
        outputs: Some(PUBLISH_OUTPUTS),
    },
    known(
        "publish:github:pull-request",
        &[
            "repoUrl",
            "branchName",
            "targetBranchName",
            "title",
            "description",
            "draft",
            "targetPath",
            "sourcePath",
            "token",
            "reviewers",
            "teamReviewers",
            "commitMessage",
            "update",
            "forceFork",
            "gitAuthorName",
            "gitAuthorEmail",
            "forceEmptyGitAuthor",
            "createWhenEmpty",
            "filesToDelete",
            "assignees",
        ],
        &["repoUrl", "branchName", "title", "description"],
        &["remoteUrl", "pullRequestNumber", "targetBranchName"],
    ),
    known(
        "publish:gitea",
        &[
            "repoUrl",
            "description",
            "defaultBranch",
            "repoVisibility",
            "gitCommitMessage",
            "gitAuthorName",
            "gitAuthorEmail",
            "sourcePath",
            "signCommit",
        ],
        &["repoUrl"],
        PUBLISH_OUTPUTS,
    ),
    Action {
        id: "publish:gitlab",
        inputs: None,
        required: &["repoUrl"],
        outputs: Some(&["remoteUrl", "repoContentsUrl", "projectId", "commitHash", "created"]),
    },
    Action {
        id: "publish:gitlab:merge-request",
        inputs: None,
        required: &["repoUrl", "branchName", "title", "description"],
        outputs: Some(&["targetBranchName", "projectid", "projectPath", "mergeRequestUrl"]),
    },
    opaque("publish:bitbucket"),
    opaque("publish:bitbucketCloud"),
    opaque("publish:bitbucketServer"),
    opaque("publish:bitbucketServer:pull-request"),
    opaque("publish:azure"),
    opaque("publish:gerrit"),
    known(
        "catalog:register",
        &["catalogInfoUrl", "repoContentsUrl", "catalogInfoPath", "optional"],
        NONE,
        &["entityRef", "catalogInfoUrl"],
    ),
    known("catalog:write", &["filePath", "entity"], &["entity"], NONE),
    known(
        "catalog:fetch",
        &["entityRef", "entityRefs", "optional", "defaultKind", "defaultNamespace"],
        NONE,
        &["entity", "entities"],
    ),
    known("debug:log", &["message", "listWorkspace", "extra"], NONE, NONE),
    known("debug:wait", &["minutes", "seconds", "milliseconds"], NONE, NONE),
    known("fs:delete", &["files"], &["files"], NONE),
    known("fs:rename", &["files"], &["files"], NONE),
    opaque("fs:readdir"),
    opaque("github:actions:dispatch"),
    opaque("github:autolinks:create"),
    opaque("github:deployKey:create"),
    opaque("github:environment:create"),
    opaque("github:issues:label"),
    opaque("github:pages:enable"),
    opaque("github:repo:create"),
    opaque("github:repo:push"),
    opaque("github:webhook"),
    opaque("gitlab:group:ensureExists"),
    opaque("gitlab:issues:create"),
    opaque("gitlab:pipeline:trigger"),
    opaque("gitlab:projectAccessToken:create"),
    opaque("gitlab:projectDeployToken:create"),
    opaque("gitlab:projectVariable:create"),
    opaque("gitlab:repo:push"),
    opaque("fetch:cookiecutter"),
    opaque("fetch:rails"),
    opaque("run:yeoman"),
    opaque("confluence:transform:markdown"),
    known(
        "http:backstage:request",
        &[
            "method",
            "path",
            "headers",
            "params",
            "body",
            "logRequestPath",
            "continueOnBadResponse",
        ],
        &["method", "path"],
        &["code", "headers", "body"],
    ),
    opaque("roadiehq:utils:jsonata"),
    opaque("roadiehq:utils:jsonata:yaml:transform"),
    opaque("roadiehq:utils:jsonata:json:transform"),
    opaque("roadiehq:utils:serialize:yaml"),
    opaque("roadiehq:utils:serialize:json"),
    opaque("roadiehq:utils:merge"),
    opaque("roadiehq:utils:fs:parse"),
    opaque("roadiehq:utils:fs:write"),
    opaque("roadiehq:utils:fs:append"),
    opaque("roadiehq:utils:zip"),
    opaque("roadiehq:utils:sleep"),
    opaque("terasky:claim-template"),
    opaque("terasky:catalog-info-cleaner"),
    opaque("kube:apply"),
    opaque("portal:validate:github-auth"),
    opaque("portal:utils:generateId"),
];

/// The known action `id`.
pub fn action(id: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.id == id)
}

impl Workspace {
    /// True when `id` is a scaffolder action portalint knows or the config registers.
    pub fn action_known(&self, id: &str) -> bool {
        let o = &self.options.backstage_options;
        action(id).is_some() || o.actions.iter().any(|a| a == id) || o.action_outputs.contains_key(id)
    }

    /// The outputs action `id` emits, when known (config first, then the built-in table).
    pub fn action_outputs(&self, id: &str) -> Option<Vec<&str>> {
        let o = &self.options.backstage_options;
        if let Some(outs) = o.action_outputs.get(id) {
            return Some(outs.iter().map(String::as_str).collect());
        }
        action(id).and_then(|a| a.outputs).map(|outs| outs.to_vec())
    }
}
