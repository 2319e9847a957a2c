use async_dsl::parallel;

async fn fetch_user(id: u32) -> u64 {
    u64::from(id)
}

async fn fetch_posts(id: u32) -> [u32; 2] {
    [id, id + 1]
}

pub async fn run(id: u32) {
    let r = parallel! { user => fetch_user(id), posts => fetch_posts(id) }.await;
    let _ = (r.user, r.posts);
}
