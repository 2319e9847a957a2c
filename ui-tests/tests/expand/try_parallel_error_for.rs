use async_dsl::try_parallel;

#[derive(Debug)]
pub struct AppError;

impl From<std::num::ParseIntError> for AppError {
    fn from(_: std::num::ParseIntError) -> Self {
        AppError
    }
}

pub async fn run(inputs: Vec<&str>) -> Result<Vec<u32>, AppError> {
    try_parallel! { error = AppError; limit = 4; for s in inputs => async move { s.parse::<u32>() } }.await
}
